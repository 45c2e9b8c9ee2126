import { ORDER_STATUSES } from '@shop/contracts/orderEvents';
import { OrderNotCancellableError, OrderNotFoundError } from './errors.js';
import { ORDER_ID_PATTERN } from './identifiers.js';
import type { Customer, Order } from './Order.js';
import type { OrderRepository, Runtime } from './ports.js';

/**
 * Cancel a PLACED order: one conditional write PLACED -> CANCELLED. The table's stream turns
 * that change into the OrderCancelled event; a second cancel finds the order CANCELLED and is
 * a conflict, so the event can only be produced once.
 *
 * @throws {OrderNotFoundError} no such order for this customer.
 * @throws {OrderNotCancellableError} the order is not PLACED.
 *
 * @example
 * const order = await cancelOrder({ customer, orderId }, deps);
 */
export const cancelOrder = async (
  input: { customer: Customer; orderId: string },
  deps: { repository: OrderRepository; runtime: Runtime },
): Promise<Order> => {
  const { customer, orderId } = input;
  if (!ORDER_ID_PATTERN.test(orderId)) throw new OrderNotFoundError(orderId);
  const cancelledAt = deps.runtime.now().toISOString();
  const found = await deps.repository.cancelOrder(customer.id, orderId, cancelledAt);
  if (found.result === 'cancelled') return found.order;
  if (found.result === 'missing') throw new OrderNotFoundError(orderId);
  // The condition failed because the order is not PLACED (it is only ever PLACED or CANCELLED).
  throw new OrderNotCancellableError(orderId, found.order.status ?? ORDER_STATUSES.CANCELLED);
};
