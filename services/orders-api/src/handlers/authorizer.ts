import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createAwsClient, withDeadline } from '@shop/common/aws';
import { createLogger } from '@shop/common/logger';
import { createSecretsReader } from '@shop/common/secrets';
import { createAuthorizerHandler } from '../auth/authorizerHandler.js';
import { createTokenVerifier } from '../auth/TokenVerifier.js';
import { AWS_LIMITS, loadAuthorizerConfig } from '../config.js';

// AuthorizerFunction: the HTTP API's Lambda authorizer in front of every route.

const config = loadAuthorizerConfig();
const secrets = createSecretsReader({
  client: createAwsClient(
    SecretsManagerClient,
    'Secrets Manager',
    AWS_LIMITS.authorizer.secretsManager,
  ),
  maxAgeSeconds: config.SIGNING_KEY_CACHE_SECONDS,
});

export const handler = withDeadline(
  createAuthorizerHandler({
    verifier: createTokenVerifier({
      keys: () => secrets.getSecretVersions(config.SIGNING_SECRET_ID),
      refreshKeys: () => secrets.refreshSecretVersions(config.SIGNING_SECRET_ID),
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    }),
    logger: createLogger('orders-api', { persistentKeys: { function: 'authorizer' } }),
  }),
  { marginMs: AWS_LIMITS.authorizer.deadlineMarginMs },
);
