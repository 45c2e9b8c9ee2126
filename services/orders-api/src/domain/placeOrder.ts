import type { OrderEvent } from '@shop/contracts/orderEvents';
import { type DeliveryDependencies, deliverPendingEvent } from './deliverPendingEvent.js';
import { EventPublishFailedError, IdempotencyKeyReusedError } from './errors.js';
import { buildOrder, type Customer, type Order, orderPlacedEvent } from './Order.js';
import type { PlaceOrderRequest } from './orderRequest.js';
import { requestFingerprint } from './requestFingerprint.js';

/** How long an idempotency key stays bound to its order. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export interface PlaceOrderCommand {
  customer: Customer;
  request: PlaceOrderRequest;
  idempotencyKey?: string;
}

export interface PlaceOrderResult {
  order: Order;
  /** True when an earlier request with the same key created the order. */
  replayed: boolean;
  /** The OrderPlaced event, if this call was the one that published it. */
  published?: OrderEvent;
}

/**
 * Place an order: exactly one order and one OrderPlaced event per idempotency key, even under
 * concurrent retries, built from single-item conditional writes:
 *
 * 1. bind the key to a fresh order id and the request's fingerprint (first writer wins; the
 *    others adopt its order id, or get IdempotencyKeyReusedError for a different body);
 * 2. write the order with its OrderPlaced event pending (again first writer wins; the order is
 *    rebuilt deterministically, so every attempt writes the same thing);
 * 3. deliver the pending event (deliverPendingEvent), and only then report success.
 *
 * Without a key nobody can retry the request, so if the event cannot be published the order
 * is removed again and the caller gets the error: no order stays stored without its event.
 *
 * @example
 * const { order, replayed } = await placeOrder(deps, { customer, request, idempotencyKey });
 */
export const placeOrder = async (
  deps: DeliveryDependencies,
  command: PlaceOrderCommand,
): Promise<PlaceOrderResult> => {
  const { customer, request, idempotencyKey } = command;
  const now = deps.runtime.now();
  let orderId = deps.runtime.newOrderId(now);
  let createdAt = now.toISOString();
  let replayed = false;

  if (idempotencyKey !== undefined) {
    const fingerprint = requestFingerprint(request);
    const record = await deps.repository.claimIdempotencyKey({
      customerId: customer.id,
      key: idempotencyKey,
      fingerprint,
      orderId,
      createdAt,
      expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
    });
    if (record.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
    replayed = record.orderId !== orderId;
    orderId = record.orderId;
    createdAt = record.createdAt;
  }

  const order = buildOrder({ orderId, customerId: customer.id, createdAt, request });
  const event = orderPlacedEvent(order, customer);
  const { created } = await deps.repository.createOrder(order, event);
  try {
    const delivery = await deliverPendingEvent(deps, customer.id, orderId);
    return {
      order: delivery.order,
      replayed,
      ...(delivery.published && { published: delivery.published }),
    };
  } catch (error) {
    if (idempotencyKey === undefined && created && error instanceof EventPublishFailedError) {
      await deps.repository.discardUnpublishedOrder({
        customerId: customer.id,
        orderId,
        eventId: event.eventId,
      });
    }
    throw error;
  }
};
