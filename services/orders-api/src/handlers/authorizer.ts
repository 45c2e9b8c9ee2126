import { CORRELATION_IDS, lambdaHandler } from '@shop/common/lambda';
import { createJoseTokenVerifier } from '../adapters/JoseTokenVerifier.js';
import { secretsManagerSigningKeys } from '../adapters/SecretsManagerSigningKeys.js';
import { createAuthorizerHandler } from '../app/createAuthorizerHandler.js';
import { createFunctionLogger } from '../app/telemetry.js';
import { AWS_LIMITS, loadAuthorizerConfig } from '../config.js';

// AuthorizerFunction: the HTTP API's Lambda authorizer in front of every route. Every cold
// request needs the signing key, so its Secrets Manager client is created at init. No
// Metrics: it has no business metric, and its answers (allow or deny) are never failures, so
// it publishes no HandledFailures either (its rollback alarm reads Lambda's Errors only).
const { authorizer: limits } = AWS_LIMITS;
const config = loadAuthorizerConfig();
const logger = createFunctionLogger('authorizer');
const verifier = createJoseTokenVerifier({
  keys: secretsManagerSigningKeys(
    { secretId: config.signingSecretId, cacheSeconds: config.signingKeyCacheSeconds },
    limits.secretsManager,
  ),
  issuer: config.jwtIssuer,
  audience: config.jwtAudience,
});

export const handler = lambdaHandler(createAuthorizerHandler({ verifier, logger }), {
  logger,
  correlationId: CORRELATION_IDS.httpApi,
  deadlineMarginMs: limits.deadlineMarginMs,
});
