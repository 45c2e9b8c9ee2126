import { ORDER_EVENT_TYPES, ORDER_STATUSES, type OrderEvent } from '@shop/contracts/orderEvents';
import { type DeliveryDependencies, deliverPendingEvent } from './deliverPendingEvent.js';
import { ConcurrentUpdateError, OrderNotCancellableError, OrderNotFoundError } from './errors.js';
import { ORDER_ID_PATTERN } from './identifiers.js';
import { type Customer, cancelOrderState, type Order, orderCancelledEvent } from './Order.js';

export interface CancelOrderResult {
  order: Order;
  /** Events this call published (a still-pending OrderPlaced goes out before the cancel). */
  published: OrderEvent[];
}

// Bounded: each round trip either makes progress or observes someone else's.
const MAX_ATTEMPTS = 5;

/**
 * Cancel a PLACED order: a conditional write PLACED -> CANCELLED that also puts the
 * OrderCancelled event in the order's outbox, then delivery. A retry of a cancel whose event
 * is still pending completes the delivery and succeeds; cancelling an order that is already
 * cancelled (event delivered) is a conflict.
 *
 * @throws {OrderNotFoundError} no such order for this customer.
 * @throws {OrderNotCancellableError} the order is not PLACED.
 *
 * @example
 * const { order } = await cancelOrder(deps, customer, orderId);
 */
export const cancelOrder = async (
  deps: DeliveryDependencies,
  customer: Customer,
  orderId: string,
): Promise<CancelOrderResult> => {
  if (!ORDER_ID_PATTERN.test(orderId)) throw new OrderNotFoundError(orderId);
  const published: OrderEvent[] = [];
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const stored = await deps.repository.getOrder(customer.id, orderId);
    if (stored === undefined) throw new OrderNotFoundError(orderId);
    const { order, pendingEvent } = stored;

    if (pendingEvent !== undefined) {
      // Deliver whatever is pending first: events of one order go out in order, and the
      // cancel below requires an empty outbox.
      const delivery = await deliverPendingEvent(deps, customer.id, orderId);
      if (delivery.published) published.push(delivery.published);
      if (pendingEvent.type === ORDER_EVENT_TYPES.OrderCancelled) {
        return { order: delivery.order, published };
      }
      continue;
    }

    if (order.status !== ORDER_STATUSES.PLACED) {
      throw new OrderNotCancellableError(orderId, order.status);
    }
    const cancelled = cancelOrderState(order, deps.runtime.now().toISOString());
    if (await deps.repository.markCancelled(cancelled, orderCancelledEvent(cancelled, customer))) {
      const delivery = await deliverPendingEvent(deps, customer.id, orderId);
      if (delivery.published) published.push(delivery.published);
      return { order: delivery.order, published };
    }
    // Someone else changed the order in between: look again.
  }
  throw new ConcurrentUpdateError(orderId);
};
