import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { NotFoundError, toHttpResponse } from '@shop/common/errors';
import type { HttpResponse } from '@shop/common/http';
import type { Logger } from '@shop/common/logger';
import {
  AuthenticationError,
  type AuthorizerContext,
  wwwAuthenticate,
} from '@shop/contracts/authorizerContext';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, Context } from 'aws-lambda';
import { IdempotentRequestInProgressError } from '../domain/errors.js';
import { authenticate } from './authenticate.js';
import { toAppError } from './errorMapping.js';
import { isRouteKey, ROUTES, type RouteDependencies, type RouteResult } from './routes.js';
import type { BusinessMetrics } from './telemetry.js';

export type ApiEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;

export interface ApiDependencies extends RouteDependencies {
  logger: Logger;
  metrics: BusinessMetrics;
}

/**
 * The OrdersApiFunction handler: check the authorizer's context once more (API Gateway has
 * already refused requests without a valid token; a route that lost its authorizer, or a token
 * that expired while its authorization was cached, still answers 401), route by `routeKey`, run the use case, map the result; every error becomes the
 * common JSON envelope. Counts OrdersPlaced / OrdersCancelled for requests that changed an
 * order (a replayed POST counts nothing).
 *
 * @example
 * export const handler = lambdaHandler(createApiHandler(deps), {
 *   logger, metrics, correlationId: CORRELATION_IDS.httpApi, deadlineMarginMs: 1_000,
 * });
 */
export const createApiHandler =
  (deps: ApiDependencies) =>
  async (event: ApiEvent, context: Context): Promise<HttpResponse> => {
    const { logger, metrics } = deps;
    logger.appendKeys({ routeKey: event.routeKey });
    deps.placing.registerLambdaContext(context);
    try {
      const customer = authenticate(event, deps.runtime.now());
      if (!isRouteKey(event.routeKey)) throw new NotFoundError('Route not found');
      const result: RouteResult = await ROUTES[event.routeKey].handle(event, customer, deps);
      if (result.metric !== undefined) metrics.addMetric(result.metric, MetricUnit.Count, 1);
      return result.response;
    } catch (error) {
      const mapped = toAppError(error);
      const response = toHttpResponse(mapped, context.awsRequestId);
      if (response.statusCode >= 500) logger.error('request failed', { error });
      else
        logger.info('request rejected', { statusCode: response.statusCode, error: String(mapped) });
      if (mapped instanceof AuthenticationError) {
        response.headers['www-authenticate'] = wwwAuthenticate(mapped.reason);
      }
      if (error instanceof IdempotentRequestInProgressError) response.headers['retry-after'] = '1';
      return response;
    }
  };
