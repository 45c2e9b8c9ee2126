import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createSecretsReader } from '../../src/secrets.js';

const secretsManager = mockClient(SecretsManagerClient);
// Unit test files share one module graph per worker: put the clients' send back after this file.
afterAll(() => {
  secretsManager.restore();
});
const client = new SecretsManagerClient({ region: 'eu-west-1' });

const missingPrevious = () =>
  new ResourceNotFoundException({
    message: "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS",
    $metadata: {},
  });

beforeEach(() => secretsManager.reset());

describe('createSecretsReader', () => {
  it('serves AWSCURRENT from cache until the time-to-live passes', async () => {
    // Prepare
    const clock = 0;
    secretsManager.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'v1' }).resolves({
      SecretString: 'v2',
    });
    const secrets = createSecretsReader({ client, maxAgeSeconds: 60, now: () => clock });

    // Act
    const first = await secrets.getSecret('signing-key');
    const cached = await secrets.getSecret('signing-key');

    // Assess
    expect([first, cached]).toEqual(['v1', 'v1']);
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });

  it('returns AWSCURRENT and AWSPREVIOUS from separate caches', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'k' })
      .resolves({ SecretString: 'new' })
      .on(GetSecretValueCommand, { SecretId: 'k', VersionStage: 'AWSPREVIOUS' })
      .resolves({ SecretString: 'old' });
    const secrets = createSecretsReader({ client });

    // Act
    const versions = await secrets.getSecretVersions('k');
    await secrets.getSecretVersions('k');

    // Assess
    expect(versions).toEqual({ current: 'new', previous: 'old' });
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
    expect(secretsManager).toHaveReceivedCommandWith(GetSecretValueCommand, {
      SecretId: 'k',
      VersionStage: 'AWSPREVIOUS',
    });
  });

  it('treats a missing AWSPREVIOUS as "never rotated" and remembers it', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'k' })
      .resolves({ SecretString: 'only' })
      .on(GetSecretValueCommand, { SecretId: 'k', VersionStage: 'AWSPREVIOUS' })
      .rejects(missingPrevious());
    const secrets = createSecretsReader({ client });

    // Act
    const first = await secrets.getSecretVersions('k');
    const second = await secrets.getSecretVersions('k');

    // Assess
    expect(first).toEqual({ current: 'only' });
    expect(second).toEqual({ current: 'only' });
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('serves AWSPREVIOUS from cache after the first rotation, once a refresh has seen it', async () => {
    // Prepare: never rotated (no AWSPREVIOUS), then rotated: NEW current, OLD previous.
    let rotated = false;
    secretsManager.on(GetSecretValueCommand).callsFake((input: { VersionStage?: string }) => {
      if (input.VersionStage !== 'AWSPREVIOUS') return { SecretString: rotated ? 'NEW' : 'OLD' };
      if (rotated) return { SecretString: 'OLD' };
      throw missingPrevious();
    });
    const secrets = createSecretsReader({ client, maxAgeSeconds: 300, now: () => 0 });
    expect(await secrets.getSecretVersions('k')).toEqual({ current: 'OLD' });
    rotated = true;

    // Act: a token of the new key forces a refresh; the next one is signed with the old key.
    const refreshed = await secrets.refreshSecretVersions('k');
    const cached = await secrets.getSecretVersions('k');

    // Assess: the old key still verifies from the cache, as during any later rotation.
    expect(refreshed).toEqual({ current: 'NEW', previous: 'OLD' });
    expect(cached).toEqual({ current: 'NEW', previous: 'OLD' });
  });

  it('propagates other failures', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(new Error('AccessDenied'));
    const secrets = createSecretsReader({ client });
    await expect(secrets.getSecret('k')).rejects.toThrow(/AccessDenied/);
  });

  it('rejects a secret without a string value', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1]) });
    const secrets = createSecretsReader({ client });
    await expect(secrets.getSecret('bin')).rejects.toThrow(/no SecretString/);
  });

  it('refreshSecretVersions reads both stages again, despite the cache', async () => {
    let current = 'v1';
    secretsManager.on(GetSecretValueCommand).callsFake((input: { VersionStage?: string }) => ({
      SecretString: input.VersionStage === 'AWSPREVIOUS' ? 'old' : current,
    }));
    const secrets = createSecretsReader({ client });
    expect(await secrets.getSecretVersions('k')).toEqual({ current: 'v1', previous: 'old' });
    current = 'v2';
    expect(await secrets.getSecretVersions('k')).toEqual({ current: 'v1', previous: 'old' });
    expect(await secrets.refreshSecretVersions('k')).toEqual({ current: 'v2', previous: 'old' });
    expect(await secrets.getSecretVersions('k')).toEqual({ current: 'v2', previous: 'old' });
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 4);
  });

  it('keeps the cached versions when a refresh fails', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'v1' });
    const secrets = createSecretsReader({ client });
    await secrets.getSecretVersions('k');
    secretsManager.on(GetSecretValueCommand).rejects(new Error('ServiceUnavailable'));
    await expect(secrets.refreshSecretVersions('k')).rejects.toThrow(/ServiceUnavailable/);
    expect(await secrets.getSecretVersions('k')).toEqual({ current: 'v1', previous: 'v1' });
  });
});
