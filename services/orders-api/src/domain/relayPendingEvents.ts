import type { OrderEvent } from '@shop/contracts/orderEvents';
import { type DeliveryDependencies, deliverPendingEvent } from './deliverPendingEvent.js';
import {
  EventDeliveryInProgressError,
  EventPublishFailedError,
  OrderNotFoundError,
} from './errors.js';

/** Events pending longer than this are considered abandoned by their request. */
export const STALE_AFTER_MS = 60_000;
const BATCH_SIZE = 100;

export interface RelayResult {
  published: OrderEvent[];
  /** Events the queue refused this time; they stay pending for the next run. */
  failed: number;
}

/**
 * The safety net of the outbox: publish events whose request gave up (a 503 the client never
 * retried, a crash mid-publish). Runs on a schedule; takes the same lease as the API, so it
 * never publishes alongside a request, and skips events another request is delivering.
 *
 * @example
 * const { published, failed } = await relayPendingEvents(deps);
 */
export const relayPendingEvents = async (deps: DeliveryDependencies): Promise<RelayResult> => {
  const before = new Date(deps.runtime.now().getTime() - STALE_AFTER_MS).toISOString();
  const stale = await deps.repository.listStalePendingEvents(before, BATCH_SIZE);
  const published: OrderEvent[] = [];
  let failed = 0;
  for (const { customerId, orderId } of stale) {
    try {
      const delivery = await deliverPendingEvent({ ...deps, waitMs: 0 }, customerId, orderId);
      if (delivery.published) published.push(delivery.published);
    } catch (error) {
      if (error instanceof EventPublishFailedError) failed += 1;
      else if (
        !(error instanceof EventDeliveryInProgressError || error instanceof OrderNotFoundError)
      ) {
        throw error;
      }
    }
  }
  return { published, failed };
};
