import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { ORDER_EVENT_TYPES, type OrderEvent } from '@shop/contracts/orderEvents';

/** The part of Powertools Metrics the handlers use (tests pass a recorder). */
export type MetricsSink = Pick<Metrics, 'addMetric' | 'hasStoredMetrics' | 'publishStoredMetrics'>;

const METRIC_FOR_EVENT = {
  [ORDER_EVENT_TYPES.OrderPlaced]: 'OrdersPlaced',
  [ORDER_EVENT_TYPES.OrderCancelled]: 'OrdersCancelled',
} as const;

/**
 * Count OrdersPlaced / OrdersCancelled for the events this invocation published: exactly one
 * invocation publishes each event, so every order is counted once however many retries it took.
 *
 * @example
 * countPublishedEvents(metrics, result.published);
 */
export const countPublishedEvents = (metrics: MetricsSink, events: readonly OrderEvent[]) => {
  for (const event of events) metrics.addMetric(METRIC_FOR_EVENT[event.type], MetricUnit.Count, 1);
};

/** Flush once per invocation, and only when there is something to flush. */
export const flushMetrics = (metrics: MetricsSink) => {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
};
