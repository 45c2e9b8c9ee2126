import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** The current and, during a rotation, the previous value of one secret. */
export interface SecretVersions {
  current: string;
  /** Absent when the secret has never been rotated. */
  previous?: string;
}

/** Cached Secrets Manager reads. */
export interface SecretsReader {
  /** The `AWSCURRENT` value, cached for the reader's time-to-live. */
  getSecret(secretId: string): Promise<string>;
  /** `AWSCURRENT` and `AWSPREVIOUS`, both cached, so verifiers accept either during rotation. */
  getSecretVersions(secretId: string): Promise<SecretVersions>;
  /**
   * Read both versions from Secrets Manager now (e.g. after a verification failure, to pick up
   * a fresh rotation). On failure it throws and what was cached stays cached.
   */
  refreshSecretVersions(secretId: string): Promise<SecretVersions>;
}

/** Options for {@link createSecretsReader}. */
export interface SecretsReaderOptions {
  /** The client to read with; build it with `createAwsClient` to honour endpoint overrides. */
  client: SecretsManagerClient;
  /** How long a value is served from memory. Default 300 s. */
  maxAgeSeconds?: number;
  /** Clock, for tests. */
  now?: () => number;
}

const isMissingStage = (error: unknown): boolean => {
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof Error && cause.name === 'ResourceNotFoundException';
};

const asString = (secretId: string, value: unknown): string => {
  if (typeof value === 'string' && value !== '') return value;
  throw new Error(`Secret ${secretId} has no SecretString value`);
};

/**
 * Cached Secrets Manager reads on top of Powertools Parameters. Two providers keep the two
 * version stages apart, because the Powertools cache key is the secret name alone.
 *
 * @example
 * const secrets = createSecretsReader({ client: createAwsClient(SecretsManagerClient, 'Secrets Manager') });
 * const { current, previous } = await secrets.getSecretVersions(config.SIGNING_SECRET_ID);
 */
export const createSecretsReader = (options: SecretsReaderOptions): SecretsReader => {
  const maxAge = options.maxAgeSeconds ?? 300;
  const now = options.now ?? Date.now;
  const current = new SecretsProvider({ awsSdkV3Client: options.client });
  const previous = new SecretsProvider({ awsSdkV3Client: options.client });
  // Powertools caches values, not absences: remember "no AWSPREVIOUS" ourselves.
  const noPrevious = new Map<string, number>();

  const getSecret = async (secretId: string, forceFetch = false) =>
    asString(secretId, await current.get(secretId, { maxAge, forceFetch }));

  const getPrevious = async (secretId: string, forceFetch = false): Promise<string | undefined> => {
    const until = noPrevious.get(secretId);
    if (!forceFetch && until !== undefined && until > now()) return undefined;
    try {
      const value = await previous.get(secretId, {
        maxAge,
        forceFetch,
        sdkOptions: { VersionStage: 'AWSPREVIOUS' },
      });
      // Rotated since "no AWSPREVIOUS" was remembered: the cache holds the new value now.
      noPrevious.delete(secretId);
      return typeof value === 'string' && value !== '' ? value : undefined;
    } catch (error) {
      if (!isMissingStage(error)) throw error;
      noPrevious.set(secretId, now() + maxAge * 1000);
      return undefined;
    }
  };

  const getVersions = async (secretId: string, forceFetch: boolean): Promise<SecretVersions> => {
    const [currentValue, previousValue] = await Promise.all([
      getSecret(secretId, forceFetch),
      getPrevious(secretId, forceFetch),
    ]);
    return previousValue === undefined
      ? { current: currentValue }
      : { current: currentValue, previous: previousValue };
  };

  return {
    getSecret: (secretId) => getSecret(secretId),
    getSecretVersions: (secretId) => getVersions(secretId, false),
    refreshSecretVersions: (secretId) => getVersions(secretId, true),
  };
};
