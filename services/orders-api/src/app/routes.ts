import { type HttpResponse, jsonResponse } from '@shop/common/http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { cancelOrder } from '../domain/cancelOrder.js';
import { METRICS, type MetricName } from '../domain/constants.js';
import type { CursorCodec } from '../domain/cursor.js';
import { getOrder } from '../domain/getOrder.js';
import { listOrders } from '../domain/listOrders.js';
import type { Customer } from '../domain/Order.js';
import type { OrderRepository, Runtime } from '../domain/ports.js';
import type { IdempotentPlaceOrder } from './idempotentPlaceOrder.js';
import {
  readIdempotencyKey,
  readListQuery,
  readOrderId,
  readPlaceOrderRequest,
} from './requests.js';

/** What the route handlers need: the use cases' ports. */
export interface RouteDependencies {
  repository: OrderRepository;
  runtime: Runtime;
  cursors: CursorCodec;
  placing: IdempotentPlaceOrder;
}

export interface RouteResult {
  response: HttpResponse;
  /** The business metric this request counts, if it changed something. */
  metric?: MetricName;
}

type RouteHandler = (
  event: APIGatewayProxyEventV2,
  customer: Customer,
  deps: RouteDependencies,
) => Promise<RouteResult>;

const orderLocation = (orderId: string) => `/orders/${encodeURIComponent(orderId)}`;

/**
 * Every route, keyed by the HTTP API route key (`event.routeKey`), with the status codes it
 * can answer (401 and 403 also come from API Gateway, before the function runs). openapi.yaml
 * documents exactly these; tests/unit/openapi.test.ts keeps them in step, and the template
 * declares the same routes.
 */
export const ROUTES = {
  'POST /orders': {
    statuses: [201, 400, 401, 403, 409, 413, 415, 422, 500, 503],
    handle: (async (event, customer, deps) => {
      const request = readPlaceOrderRequest(event);
      const idempotencyKey = readIdempotencyKey(event);
      const result = await deps.placing.place({
        customer,
        request,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      });
      const headers: Record<string, string> = { location: orderLocation(result.order.orderId) };
      if (result.replayed) headers['idempotent-replayed'] = 'true';
      return {
        response: jsonResponse(201, result.order, headers),
        ...(result.replayed ? {} : { metric: METRICS.ordersPlaced }),
      };
    }) satisfies RouteHandler,
  },
  'GET /orders': {
    statuses: [200, 400, 401, 403, 500, 503],
    handle: (async (event, customer, deps) => {
      const query = readListQuery(event);
      const page = await listOrders({ customerId: customer.id, ...query }, deps);
      return {
        response: jsonResponse(200, { orders: page.orders, nextCursor: page.nextCursor ?? null }),
      };
    }) satisfies RouteHandler,
  },
  'GET /orders/{orderId}': {
    statuses: [200, 401, 403, 404, 500, 503],
    handle: (async (event, customer, deps) => {
      const order = await getOrder({ customerId: customer.id, orderId: readOrderId(event) }, deps);
      return { response: jsonResponse(200, order) };
    }) satisfies RouteHandler,
  },
  'POST /orders/{orderId}/cancel': {
    statuses: [200, 401, 403, 404, 409, 500, 503],
    handle: (async (event, customer, deps) => {
      const order = await cancelOrder({ customer, orderId: readOrderId(event) }, deps);
      return { response: jsonResponse(200, order), metric: METRICS.ordersCancelled };
    }) satisfies RouteHandler,
  },
} as const;

export type RouteKey = keyof typeof ROUTES;

export const isRouteKey = (key: string): key is RouteKey => Object.hasOwn(ROUTES, key);
