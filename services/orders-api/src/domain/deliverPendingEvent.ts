import type { OrderEvent } from '@shop/contracts/orderEvents';
import {
  EventDeliveryInProgressError,
  EventPublishFailedError,
  OrderNotFoundError,
} from './errors.js';
import type { Order } from './Order.js';
import type { OrderEventPublisher, OrderRepository, Runtime } from './ports.js';

// The outbox, without transactions: an order item carries its pending event until the queue
// has accepted it. Whoever wants the event delivered takes a time-limited lease on it with a
// conditional write, so of twenty concurrent requests exactly one publishes; the others wait
// until the outbox is empty. A failed publish gives the lease back and the event stays
// pending, so the next retry publishes it. A crash mid-publish only delays it until the lease
// expires. Event ids are derived from the order id, so the rare second publish (a crash after
// the queue accepted but before the outbox was cleared) is dropped by the consumer's
// de-duplication.

export interface DeliveryDependencies {
  repository: OrderRepository;
  publisher: OrderEventPublisher;
  runtime: Runtime;
  /** How long a lease protects a publish in progress. Longer than one SQS send with retries. */
  leaseMs?: number;
  /** How long to wait for another request's publish before answering "retry later". */
  waitMs?: number;
}

export interface Delivery {
  order: Order;
  /** The event this call published, if it was this call that published it. */
  published?: OrderEvent;
}

export const DEFAULT_LEASE_MS = 15_000;
export const DEFAULT_WAIT_MS = 3_000;

/**
 * Make sure the order's pending event (if any) reaches the queue, then return the order.
 *
 * @throws {EventPublishFailedError} the queue refused; the event stays pending.
 * @throws {EventDeliveryInProgressError} another request still holds the lease.
 *
 * @example
 * const { order, published } = await deliverPendingEvent(deps, 'c-1', orderId);
 */
export const deliverPendingEvent = async (
  deps: DeliveryDependencies,
  customerId: string,
  orderId: string,
): Promise<Delivery> => {
  const { repository, publisher, runtime } = deps;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const deadline = runtime.now().getTime() + (deps.waitMs ?? DEFAULT_WAIT_MS);
  let pause = 10;
  for (;;) {
    const stored = await repository.getOrder(customerId, orderId);
    if (stored === undefined) throw new OrderNotFoundError(orderId);
    const event = stored.pendingEvent;
    if (event === undefined) return { order: stored.order };

    const ref = { customerId, orderId, eventId: event.eventId };
    const leaseId = runtime.newLeaseId();
    const now = runtime.now().getTime();
    if (await repository.claimPendingEvent(ref, { leaseId, now, until: now + leaseMs })) {
      try {
        await publisher.publish(event);
      } catch (error) {
        // Best effort: an unreleased lease only delays the retry until it expires.
        await repository.releasePendingEvent(ref, leaseId).catch(() => undefined);
        throw new EventPublishFailedError(event.eventId, { cause: error });
      }
      await repository.completePendingEvent(ref);
      return { order: stored.order, published: event };
    }
    if (now >= deadline) throw new EventDeliveryInProgressError(event.eventId);
    await runtime.sleep(pause);
    pause = Math.min(pause * 2, 200);
  }
};
