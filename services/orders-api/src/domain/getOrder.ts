import { OrderNotFoundError } from './errors.js';
import { ORDER_ID_PATTERN } from './identifiers.js';
import type { Order } from './Order.js';
import type { OrderRepository } from './ports.js';

/**
 * One of the customer's own orders. Orders are only ever read through the caller's key, so
 * another customer's order is indistinguishable from one that does not exist.
 *
 * @throws {OrderNotFoundError} no such order for this customer (or a malformed id).
 *
 * @example
 * const order = await getOrder({ customerId: 'c-1', orderId: '01JD...' }, { repository });
 */
export const getOrder = async (
  input: { customerId: string; orderId: string },
  deps: { repository: OrderRepository },
): Promise<Order> => {
  const { customerId, orderId } = input;
  if (!ORDER_ID_PATTERN.test(orderId)) throw new OrderNotFoundError(orderId);
  const stored = await deps.repository.getOrder(customerId, orderId);
  if (stored === undefined) throw new OrderNotFoundError(orderId);
  return stored.order;
};
