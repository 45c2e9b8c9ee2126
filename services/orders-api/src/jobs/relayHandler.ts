import type { Logger } from '@shop/common/logger';
import type { Context, ScheduledEvent } from 'aws-lambda';
import {
  countPublishedEvents,
  flushMetrics,
  type MetricsSink,
} from '../adapters/businessMetrics.js';
import type { DeliveryDependencies } from '../domain/deliverPendingEvent.js';
import { relayPendingEvents } from '../domain/relayPendingEvents.js';

/** Thrown so the function's Errors alarm fires while the queue keeps refusing events. */
export class PendingEventsNotPublishedError extends Error {
  constructor(count: number, options?: ErrorOptions) {
    super(`${count} pending order event(s) could not be published; they stay pending`, options);
    this.name = 'PendingEventsNotPublishedError';
  }
}

/**
 * The OutboxRelayFunction handler (EventBridge schedule): publishes order events whose request
 * gave up, counting them like the API does.
 *
 * @example
 * export const handler = createRelayHandler({ repository, publisher, runtime, logger, metrics });
 */
export const createRelayHandler =
  (deps: DeliveryDependencies & { logger: Logger; metrics: MetricsSink }) =>
  async (_event: ScheduledEvent, context: Context): Promise<{ published: number }> => {
    deps.logger.addContext(context);
    try {
      const { published, failed } = await relayPendingEvents(deps);
      countPublishedEvents(deps.metrics, published);
      for (const event of published) {
        deps.logger.warn('published an abandoned order event', {
          eventType: event.type,
          eventId: event.eventId,
          orderId: event.order.orderId,
        });
      }
      if (failed > 0) throw new PendingEventsNotPublishedError(failed);
      return { published: published.length };
    } finally {
      flushMetrics(deps.metrics);
    }
  };
