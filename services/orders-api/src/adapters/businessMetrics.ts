import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The part of Powertools Metrics the handlers use (tests pass a recorder). */
export type MetricsSink = Pick<Metrics, 'addMetric' | 'hasStoredMetrics' | 'publishStoredMetrics'>;

/** Business metrics of orders-api (namespace Shop, service orders-api). */
export const ORDER_METRICS = {
  placed: 'OrdersPlaced',
  cancelled: 'OrdersCancelled',
  eventsPublished: 'OrderEventsPublished',
  eventsRejected: 'OrderEventsRejected',
} as const;

export type OrderMetric = (typeof ORDER_METRICS)[keyof typeof ORDER_METRICS];

/** Count one occurrence. */
export const countMetric = (metrics: MetricsSink, name: OrderMetric, value = 1) => {
  metrics.addMetric(name, MetricUnit.Count, value);
};

/** Flush once per invocation, and only when there is something to flush. */
export const flushMetrics = (metrics: MetricsSink) => {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
};
