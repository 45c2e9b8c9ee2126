import { getHeader } from '@shop/common/http';
import type { Logger } from '@shop/common/logger';
import type { AuthorizerContext } from '@shop/contracts/authorizerContext';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
  Context,
} from 'aws-lambda';
import type { TokenVerifier } from '../domain/ports.js';

export type AuthorizerResult =
  | APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>
  | { isAuthorized: false };

export interface AuthorizerDependencies {
  verifier: TokenVerifier;
  logger: Logger;
}

/**
 * The AuthorizerFunction handler (HTTP API, payload 2.0, simple responses, identity source
 * `$request.header.Authorization`, results cached per header value). A valid token is
 * `isAuthorized: true` with the customer and the token's expiry in the context (`@shop/contracts/authorizerContext`);
 * anything else is `isAuthorized: false`, which API Gateway answers with 403 before any other
 * function runs. A failure to read the signing key is thrown: API Gateway then answers 500 and
 * caches nothing.
 *
 * @example
 * export const handler = lambdaHandler(createAuthorizerHandler({ verifier, logger }), {
 *   logger, metrics, correlationId: CORRELATION_IDS.httpApi, deadlineMarginMs: 1_000,
 * });
 */
export const createAuthorizerHandler =
  (deps: AuthorizerDependencies) =>
  async (
    event: APIGatewayRequestAuthorizerEventV2,
    _context?: Context,
  ): Promise<AuthorizerResult> => {
    const verification = await deps.verifier.verify(
      getHeader({ headers: event.headers ?? {} }, 'authorization'),
    );
    if (!verification.ok) {
      deps.logger.info('request denied', {
        reason: verification.reason,
        routeArn: event.routeArn,
      });
      return { isAuthorized: false };
    }
    const { customerId, email, expiresAt } = verification.identity;
    return { isAuthorized: true, context: { customerId, email, expiresAt } };
  };
