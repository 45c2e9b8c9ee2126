import { NotFoundError, toHttpResponse } from '@shop/common/errors';
import type { HttpResponse } from '@shop/common/http';
import type { Logger } from '@shop/common/logger';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, Context } from 'aws-lambda';
import { countMetric, flushMetrics, type MetricsSink } from '../adapters/businessMetrics.js';
import type { AuthorizerContext } from '../auth/authorizerContext.js';
import { IdempotentRequestInProgressError } from '../domain/errors.js';
import { AuthenticationError, authenticate, wwwAuthenticate } from './authenticate.js';
import { toAppError } from './errorMapping.js';
import { isRouteKey, ROUTES, type RouteDependencies, type RouteResult } from './routes.js';

export type ApiEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;

export interface ApiDependencies extends RouteDependencies {
  logger: Logger;
  metrics: MetricsSink;
}

/**
 * The OrdersApiFunction handler: check the authorizer's context once more (API Gateway has
 * already refused requests without a valid token; a route that lost its authorizer still
 * answers 401), route by `routeKey`, run the use case, map the result; every error becomes the
 * common JSON envelope. Counts OrdersPlaced / OrdersCancelled for requests that changed an
 * order (a replayed POST counts nothing).
 *
 * @example
 * export const handler = createApiHandler({ repository, runtime, cursors, placing, logger, metrics });
 */
export const createApiHandler =
  (deps: ApiDependencies) =>
  async (event: ApiEvent, context: Context): Promise<HttpResponse> => {
    const { logger, metrics } = deps;
    logger.addContext(context);
    logger.appendKeys({ routeKey: event.routeKey, apiRequestId: event.requestContext?.requestId });
    deps.placing.registerLambdaContext(context);
    try {
      const customer = authenticate(event.requestContext?.authorizer?.lambda);
      if (!isRouteKey(event.routeKey)) throw new NotFoundError('Route not found');
      const result: RouteResult = await ROUTES[event.routeKey].handle(event, customer, deps);
      if (result.metric !== undefined) countMetric(metrics, result.metric);
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
    } finally {
      flushMetrics(metrics);
      logger.removeKeys(['routeKey', 'apiRequestId']);
    }
  };
