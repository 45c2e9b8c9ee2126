import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AwsCallLimits, createAwsClient } from '@shop/common/aws';
import { createSecretsReader, type SecretsReader } from '@shop/common/secrets';
import type { SigningKeys } from '../domain/ports.js';

/** Which secret, and how long its versions are served from memory. */
export interface SecretKeySettings {
  /** The secret's id (name or ARN). */
  secretId: string;
  cacheSeconds: number;
}

/**
 * The SigningKeys port on Secrets Manager: AWSCURRENT and AWSPREVIOUS of one secret (the
 * token signing key, or the cursor key), cached (Powertools Parameters), re-read on demand
 * after a rotation. With `onFirstUse` the Secrets Manager client and reader are created on the
 * first read instead of now: for a function that needs the key only on a rare path (the API:
 * pagination cursors).
 *
 * @example
 * const keys = secretsManagerSigningKeys(
 *   { secretId: config.cursorSecretId, cacheSeconds: config.cursorKeyCacheSeconds },
 *   AWS_LIMITS.api.secretsManager,
 *   { onFirstUse: true },
 * );
 * const { current, previous } = await keys.current();
 */
export const secretsManagerSigningKeys = (
  settings: SecretKeySettings,
  limits: AwsCallLimits,
  { onFirstUse = false }: { onFirstUse?: boolean } = {},
): Required<SigningKeys> => {
  const create = () =>
    createSecretsReader({
      client: createAwsClient(SecretsManagerClient, 'Secrets Manager', limits),
      maxAgeSeconds: settings.cacheSeconds,
    });
  let reader: SecretsReader | undefined = onFirstUse ? undefined : create();
  const secrets = () => {
    reader ??= create();
    return reader;
  };
  return {
    current: () => secrets().getSecretVersions(settings.secretId),
    refresh: () => secrets().refreshSecretVersions(settings.secretId),
  };
};
