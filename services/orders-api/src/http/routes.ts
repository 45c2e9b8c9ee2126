import { type HttpResponse, jsonResponse } from '@shop/common/http';
import type { OrderEvent } from '@shop/contracts/orderEvents';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { cancelOrder } from '../domain/cancelOrder.js';
import type { CursorCodec } from '../domain/cursor.js';
import type { DeliveryDependencies } from '../domain/deliverPendingEvent.js';
import { getOrder } from '../domain/getOrder.js';
import { listOrders } from '../domain/listOrders.js';
import type { Customer } from '../domain/Order.js';
import { placeOrder } from '../domain/placeOrder.js';
import {
  readIdempotencyKey,
  readListQuery,
  readOrderId,
  readPlaceOrderRequest,
} from './requests.js';

/** What the route handlers need: the use cases' ports. */
export interface RouteDependencies extends DeliveryDependencies {
  cursors: CursorCodec;
}

export interface RouteResult {
  response: HttpResponse;
  /** Events this request published (for the business metrics). */
  published: OrderEvent[];
}

type RouteHandler = (
  event: APIGatewayProxyEventV2,
  customer: Customer,
  deps: RouteDependencies,
) => Promise<RouteResult>;

const orderLocation = (orderId: string) => `/orders/${encodeURIComponent(orderId)}`;

/**
 * Every route, keyed by the HTTP API route key (`event.routeKey`), with the status codes it
 * can answer. openapi.yaml documents exactly these; tests/unit/openapi.test.ts keeps them in
 * step, and the template declares the same routes.
 */
export const ROUTES = {
  'POST /orders': {
    statuses: [201, 400, 401, 413, 415, 422, 500, 503],
    handle: (async (event, customer, deps) => {
      const request = readPlaceOrderRequest(event);
      const idempotencyKey = readIdempotencyKey(event);
      const result = await placeOrder(deps, {
        customer,
        request,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      });
      const headers: Record<string, string> = { location: orderLocation(result.order.orderId) };
      if (result.replayed) headers['idempotent-replayed'] = 'true';
      return {
        response: jsonResponse(201, result.order, headers),
        published: result.published ? [result.published] : [],
      };
    }) satisfies RouteHandler,
  },
  'GET /orders': {
    statuses: [200, 400, 401, 500],
    handle: (async (event, customer, deps) => {
      const query = readListQuery(event);
      const page = await listOrders(deps, { customerId: customer.id, ...query });
      return {
        response: jsonResponse(200, { orders: page.orders, nextCursor: page.nextCursor ?? null }),
        published: [],
      };
    }) satisfies RouteHandler,
  },
  'GET /orders/{orderId}': {
    statuses: [200, 401, 404, 500],
    handle: (async (event, customer, deps) => {
      const order = await getOrder(deps, customer.id, readOrderId(event));
      return { response: jsonResponse(200, order), published: [] };
    }) satisfies RouteHandler,
  },
  'POST /orders/{orderId}/cancel': {
    statuses: [200, 401, 404, 409, 500, 503],
    handle: (async (event, customer, deps) => {
      const result = await cancelOrder(deps, customer, readOrderId(event));
      return { response: jsonResponse(200, result.order), published: result.published };
    }) satisfies RouteHandler,
  },
} as const;

export type RouteKey = keyof typeof ROUTES;

export const isRouteKey = (key: string): key is RouteKey => Object.hasOwn(ROUTES, key);
