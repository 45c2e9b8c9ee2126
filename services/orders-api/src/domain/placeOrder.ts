import { IdempotencyKeyReusedError } from './errors.js';
import { orderIdForKey } from './identifiers.js';
import { buildOrder, type Customer, type Order } from './Order.js';
import type { PlaceOrderRequest } from './orderRequest.js';
import type { OrderRepository, Runtime } from './ports.js';
import { requestFingerprint } from './requestFingerprint.js';

export interface PlaceOrderCommand {
  customer: Customer;
  request: PlaceOrderRequest;
  idempotencyKey?: string;
}

export interface PlaceOrderResult {
  order: Order;
  /** True when an earlier request with the same key created the order. */
  replayed: boolean;
}

/**
 * Place an order: one conditional put of one item. The OrderPlaced event is not sent from
 * here: the table's stream carries the new item to the events publisher, so the event exists
 * if and only if the order does.
 *
 * With an Idempotency-Key the order id is derived from the customer and the key, so however
 * often (and however concurrently) the request is retried, at most one order is stored for the
 * key. A retry finds the stored order and gets it back (`replayed`), unless its body differs
 * from the first request's: then it is refused.
 *
 * @throws {IdempotencyKeyReusedError} the key was first used with a different body.
 *
 * @example
 * const { order, replayed } = await placeOrder({ customer, request, idempotencyKey }, deps);
 */
export const placeOrder = async (
  command: PlaceOrderCommand,
  deps: { repository: OrderRepository; runtime: Runtime },
): Promise<PlaceOrderResult> => {
  const { customer, request, idempotencyKey } = command;
  const now = deps.runtime.now();
  const keyed = idempotencyKey !== undefined;
  const orderId = keyed ? orderIdForKey(customer.id, idempotencyKey) : deps.runtime.newOrderId(now);
  const fingerprint = keyed ? requestFingerprint(request) : undefined;
  const order = buildOrder({
    orderId,
    customerId: customer.id,
    createdAt: now.toISOString(),
    request,
  });
  const result = await deps.repository.createOrder({
    order,
    customerEmail: customer.email,
    ...(fingerprint === undefined ? {} : { requestFingerprint: fingerprint }),
  });
  if (result.created) return { order, replayed: false };
  // Only a keyed request can meet an existing order: ULIDs do not collide.
  if (result.existing.requestFingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
  return { order: result.existing.order, replayed: true };
};
