import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { secretsManagerSigningKeys } from '../../src/adapters/SecretsManagerSigningKeys.js';
import { AWS_LIMITS } from '../../src/config.js';

// Counts the Secrets Manager clients made, to tell "created at init" from "created on first use".
const made = vi.hoisted(() => ({ clients: 0 }));
vi.mock('@aws-sdk/client-secrets-manager', async (importOriginal) => {
  const sdk = await importOriginal<typeof import('@aws-sdk/client-secrets-manager')>();
  class CountedSecretsManagerClient extends sdk.SecretsManagerClient {
    constructor(...args: ConstructorParameters<typeof sdk.SecretsManagerClient>) {
      super(...args);
      made.clients += 1;
    }
  }
  return { ...sdk, SecretsManagerClient: CountedSecretsManagerClient };
});

const settings = { secretId: 'signing-key', cacheSeconds: 300 };
const secrets = mockClient(SecretsManagerClient);
// Unit test files share one module graph per worker: put the clients' send back after this file.
afterAll(() => {
  secrets.restore();
});

describe('secretsManagerSigningKeys', () => {
  beforeEach(() => {
    made.clients = 0;
    secrets.reset();
    secrets.on(GetSecretValueCommand, { SecretId: 'signing-key' }).resolves({ SecretString: 'k2' });
    secrets
      .on(GetSecretValueCommand, { SecretId: 'signing-key', VersionStage: 'AWSPREVIOUS' })
      .resolves({ SecretString: 'k1' });
  });
  afterEach(() => secrets.reset());

  it('reads the current and previous versions, cached until a refresh', async () => {
    // Prepare
    const keys = secretsManagerSigningKeys(settings, AWS_LIMITS.authorizer.secretsManager);

    // Act
    const first = await keys.current();
    const cached = await keys.current();
    const refreshed = await keys.refresh?.();

    // Assess
    expect([first, cached, refreshed]).toEqual(Array(3).fill({ current: 'k2', previous: 'k1' }));
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 4);
  });

  it('creates its client at once by default (the authorizer needs it on every cold request)', () => {
    // Act
    secretsManagerSigningKeys(settings, AWS_LIMITS.authorizer.secretsManager);

    // Assess
    expect(made.clients).toBe(1);
  });

  it('creates its client on the first read with onFirstUse (the API, for cursors only)', async () => {
    // Act
    const keys = secretsManagerSigningKeys(settings, AWS_LIMITS.api.secretsManager, {
      onFirstUse: true,
    });
    const before = made.clients;
    await keys.current();
    await keys.current();

    // Assess
    expect(before).toBe(0);
    expect(made.clients).toBe(1);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });
});
