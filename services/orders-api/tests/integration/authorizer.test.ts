import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createSecretsReader } from '@shop/common/secrets';
import { ensureSecret } from '@shop/local-cloud';
import { uniqueName, useBackends } from '@shop/local-cloud/testing';
import { lambdaContext } from '@shop/testing/lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJoseTokenVerifier } from '../../src/adapters/JoseTokenVerifier.js';
import { createAuthorizerHandler } from '../../src/app/createAuthorizerHandler.js';

import { silentLogger } from '../support/apiHarness.js';
import { AUDIENCE, ISSUER, KEY_1, KEY_2, KEY_3, signToken } from '../support/tokens.js';

// AuthorizerFunction's handler reading the signing key from Secrets Manager (embedded or
// moto), across key rotations; and the token script against the same secret.

const { backends, clients } = useBackends();
const run = promisify(execFile);
const script = fileURLToPath(new URL('../../scripts/mintToken.mjs', import.meta.url));
let secretId: string;

// A fresh reader per check: the point is what Secrets Manager holds, not the cache.
const authorizer = () => {
  const secrets = createSecretsReader({ client: clients.secretsManager, maxAgeSeconds: 0 });
  return createAuthorizerHandler({
    verifier: createJoseTokenVerifier({
      keys: { current: () => secrets.getSecretVersions(secretId) },
      issuer: ISSUER,
      audience: AUDIENCE,
    }),
    logger: silentLogger(),
  });
};

const authorize = async (token: string) => {
  const result = await authorizer()(
    { type: 'REQUEST', routeArn: 'arn', headers: { authorization: `Bearer ${token}` } } as never,
    lambdaContext(),
  );
  return result;
};

beforeAll(async () => {
  secretId = uniqueName('signing-key');
  await ensureSecret(clients, secretId, KEY_1);
});

afterAll(() => clients.destroy());

describe('authorizer with Secrets Manager', () => {
  it('accepts tokens signed with the current key and rejects others', async () => {
    // Act
    const valid = await authorize(await signToken(KEY_1));
    const forged = await authorize(await signToken(KEY_2));

    // Assess
    expect(valid).toEqual({
      isAuthorized: true,
      context: { customerId: 'cust-ada', email: 'ada@example.com', expiresAt: expect.any(Number) },
    });
    expect(forged).toEqual({ isAuthorized: false });
  });

  it('keeps accepting the previous key after a rotation, and drops it after the next', async () => {
    // Prepare
    const old = await signToken(KEY_1);

    // Act
    await ensureSecret(clients, secretId, KEY_2); // KEY_1 becomes AWSPREVIOUS
    const afterFirstRotation = [await authorize(old), await authorize(await signToken(KEY_2))];
    await ensureSecret(clients, secretId, KEY_3); // KEY_2 previous, KEY_1 gone
    const afterSecondRotation = [await authorize(old), await authorize(await signToken(KEY_2))];

    // Assess
    expect(afterFirstRotation.map((result) => result.isAuthorized)).toEqual([true, true]);
    expect(afterSecondRotation.map((result) => result.isAuthorized)).toEqual([false, true]);
  });

  it('accepts a token minted by the token script from the secret id', async () => {
    // Prepare
    await ensureSecret(clients, secretId, KEY_3);

    // Act
    const { stdout } = await run(
      process.execPath,
      [
        script,
        '--',
        '--customer',
        'cust-cli',
        '--email',
        'cli@example.com',
        '--secret-id',
        secretId,
      ],
      { env: { ...process.env, ...backends.env } },
    );

    // Assess
    expect(await authorize(stdout.trim())).toEqual({
      isAuthorized: true,
      context: { customerId: 'cust-cli', email: 'cli@example.com', expiresAt: expect.any(Number) },
    });
  });

  it.each([
    [[], '--customer <id> is required'],
    [['--customer', 'cust-cli'], '--email <address> is required'],
    [['--customer', 'cust#1', '--email', 'cli@example.com'], '--customer must be 1-128 characters'],
    [['--customer', 'cust-cli', '--email', 'nobody'], '--email must be an email address'],
  ])(
    'the token script refuses %j with a message that says why, and mints nothing',
    async (args, message) => {
      // Act
      const failed = await run(process.execPath, [script, '--', ...args, '--secret-id', secretId], {
        env: { ...process.env, ...backends.env },
      }).then(
        () => undefined,
        (error: { code?: number; stdout?: string; stderr?: string }) => error,
      );

      // Assess
      expect(failed?.code).toBe(2);
      expect(failed?.stdout).toBe('');
      expect(failed?.stderr).toContain(message);
    },
  );
});
