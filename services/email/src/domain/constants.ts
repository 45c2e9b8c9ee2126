// The email service's fixed names and numbers (no AWS imports: the app and adapters use them).

/** Service name in logs and metrics, and the metrics namespace. */
export const SERVICE = { name: 'email', metricsNamespace: 'Shop' } as const;

/**
 * Business metrics of this service (Powertools Metrics, namespace `Shop`, dimension
 * `service=email`), documented in the README's metrics table.
 */
export const METRICS = {
  /** An email was accepted by SES. */
  sent: 'EmailsSent',
  /** A redelivered or duplicated event whose email was already sent: nothing sent. */
  skippedDuplicate: 'EmailsSkippedDuplicate',
  /**
   * A message goes to the dead-letter queue unsent (once per message, with its ERROR line): a
   * permanent failure when first seen, a transient one on its last receive.
   */
  failed: 'EmailsFailed',
  /**
   * A record handed back to SQS for another receive (transient failure, too little time left,
   * held back behind its group), not counting the last receive.
   */
  retried: 'EmailsRetried',
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];

/** The dead-letter queue's logical name in template.yaml, for log lines. */
export const DEAD_LETTER_QUEUE = 'OrderEventsDeadLetterQueue';

/** The order event schema version this service understands (see @shop/contracts/orderEvents). */
export const SUPPORTED_EVENT_VERSION = 1;
