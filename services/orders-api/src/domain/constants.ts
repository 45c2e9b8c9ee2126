// orders-api's fixed names and numbers. No AWS or Powertools imports: the handlers and the app
// layer read these, the README documents them.

/** Service name in logs and metrics, and the metrics namespace. */
export const SERVICE = { name: 'orders-api', metricsNamespace: 'Shop' } as const;

/**
 * Business metrics (namespace `Shop`, service `orders-api`), all counts. The README's metrics
 * table lists them.
 */
export const METRICS = {
  /** POST /orders that stored a new order (a replayed request counts nothing). */
  ordersPlaced: 'OrdersPlaced',
  /** POST /orders/{orderId}/cancel that cancelled the order. */
  ordersCancelled: 'OrdersCancelled',
  /** Order events the publisher sent to OrderEventsQueue. */
  orderEventsPublished: 'OrderEventsPublished',
  /** Stream records that were no valid order, quarantined in the publisher's DLQ. */
  orderEventsRejected: 'OrderEventsRejected',
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];

/** GET /orders page sizes. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Request bodies over this size answer 413. */
export const MAX_BODY_BYTES = 64 * 1024;

/** How long an Idempotency-Key's stored 201 is replayed (the order itself binds the key forever). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/**
 * Idempotency key prefix: a fixed string rather than Powertools' default (the function's
 * physical name), so a redeploy keeps every recorded key valid.
 */
export const IDEMPOTENCY_KEY_PREFIX = 'orders-api.placeOrder';

/** SQS SendMessageBatch takes at most 10 messages. */
export const MAX_BATCH_ENTRIES = 10;
