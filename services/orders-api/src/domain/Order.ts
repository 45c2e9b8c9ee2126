import {
  ORDER_EVENT_TYPES,
  ORDER_STATUSES,
  type OrderEvent,
  type OrderSnapshot,
} from '@shop/contracts/orderEvents';
import { eventIdFor } from './identifiers.js';
import type { PlaceOrderRequest } from './orderRequest.js';
import { priceLines } from './pricing.js';

/** An order as the API returns it and events carry it. */
export type Order = OrderSnapshot;

/** The authenticated caller, as the authorizer identified them. */
export interface Customer {
  id: string;
  email: string;
}

/**
 * Build a new PLACED order. Pure and deterministic: the same inputs give the same order, which
 * is what lets a retry with the same idempotency key rebuild exactly what the first attempt
 * wrote.
 *
 * @example
 * const order = buildOrder({ orderId, customerId: 'c-1', createdAt: now.toISOString(), request });
 */
export const buildOrder = (params: {
  orderId: string;
  customerId: string;
  createdAt: string;
  request: PlaceOrderRequest;
}): Order => {
  const { request } = params;
  const { items, total } = priceLines(request.items);
  return {
    orderId: params.orderId,
    customerId: params.customerId,
    status: ORDER_STATUSES.PLACED,
    currency: request.currency,
    items,
    total,
    shippingAddress: { ...request.shippingAddress },
    ...(request.note === undefined ? {} : { note: request.note }),
    createdAt: params.createdAt,
  };
};

/** The OrderPlaced event of an order (version 1 of the contract). */
export const orderPlacedEvent = (order: Order, customer: Customer): OrderEvent => ({
  type: ORDER_EVENT_TYPES.OrderPlaced,
  version: 1,
  eventId: eventIdFor(order.orderId, ORDER_EVENT_TYPES.OrderPlaced),
  occurredAt: order.createdAt,
  order,
  customer: { id: customer.id, email: customer.email },
});

/** The OrderCancelled event of a cancelled order. */
export const orderCancelledEvent = (order: Order, customer: Customer): OrderEvent => ({
  type: ORDER_EVENT_TYPES.OrderCancelled,
  version: 1,
  eventId: eventIdFor(order.orderId, ORDER_EVENT_TYPES.OrderCancelled),
  occurredAt: order.cancelledAt ?? order.createdAt,
  order,
  customer: { id: customer.id, email: customer.email },
});

/**
 * The event a change of an order stands for: a new PLACED order is OrderPlaced, PLACED ->
 * CANCELLED is OrderCancelled; any other change (none today) has no event.
 *
 * @example
 * eventForChange({ before: undefined, after: order, customer }); // OrderPlaced
 */
export const eventForChange = (change: {
  before: Order | undefined;
  after: Order | undefined;
  customer: Customer;
}): OrderEvent | undefined => {
  const { before, after, customer } = change;
  if (after === undefined) return undefined;
  if (before === undefined && after.status === ORDER_STATUSES.PLACED) {
    return orderPlacedEvent(after, customer);
  }
  if (before?.status === ORDER_STATUSES.PLACED && after.status === ORDER_STATUSES.CANCELLED) {
    return orderCancelledEvent(after, customer);
  }
  return undefined;
};
