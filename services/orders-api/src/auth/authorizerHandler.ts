import { getHeader } from '@shop/common/http';
import type { Logger } from '@shop/common/logger';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
  Context,
} from 'aws-lambda';
import type { AuthorizerContext } from './authorizerContext.js';
import type { TokenVerifier } from './TokenVerifier.js';

export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>;

/**
 * The AuthorizerFunction handler (HTTP API, payload 2.0, simple responses). It verifies the
 * bearer token and reports the outcome in the context; it answers `isAuthorized: true` even
 * for a bad token so that OrdersApiFunction can answer the 401 the API documents (API Gateway
 * would turn `false` into a 403 without our error envelope; see authorizerContext.ts).
 * A failure to read the signing key is thrown: API Gateway then answers 500.
 *
 * @example
 * export const handler = createAuthorizerHandler({ verifier, logger });
 */
export const createAuthorizerHandler =
  (deps: { verifier: TokenVerifier; logger: Logger }) =>
  async (
    event: APIGatewayRequestAuthorizerEventV2,
    context: Context,
  ): Promise<AuthorizerResult> => {
    deps.logger.addContext(context);
    const verification = await deps.verifier.verify(
      getHeader({ headers: event.headers ?? {} }, 'authorization'),
    );
    if (!verification.ok) {
      deps.logger.info('request not authenticated', {
        reason: verification.reason,
        routeArn: event.routeArn,
      });
      return { isAuthorized: true, context: { authenticated: false, reason: verification.reason } };
    }
    const { customerId, email } = verification.identity;
    return { isAuthorized: true, context: { authenticated: true, customerId, email } };
  };
