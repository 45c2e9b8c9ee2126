import type { MetricUnit } from '@aws-lambda-powertools/metrics/types';
import type { Logger } from '@shop/common/logger';

/** Business metrics of this service (namespace `Shop`, dimension `service=email`). */
export const EMAIL_METRICS = {
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

export type EmailMetricName = (typeof EMAIL_METRICS)[keyof typeof EMAIL_METRICS];

/** The part of Powertools Logger the handler uses (tests pass a fake). */
export type EmailLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error' | 'addContext'>;

/** The part of Powertools Metrics the handler uses (tests pass a fake). */
export interface EmailMetrics {
  addMetric(name: string, unit: MetricUnit, value: number): unknown;
  hasStoredMetrics(): boolean;
  publishStoredMetrics(): unknown;
}
