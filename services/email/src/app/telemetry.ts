import type { MetricUnit } from '@aws-lambda-powertools/metrics/types';
import type { Logger } from '@shop/common/logger';

/**
 * The part of Powertools Logger the handler uses: the handler file passes the service's logger,
 * tests a fake. Per record the handler appends the record's ids and removes them after it.
 */
export type EmailLogger = Pick<
  Logger,
  'debug' | 'info' | 'warn' | 'error' | 'appendKeys' | 'removeKeys'
>;

/** The part of Powertools Metrics the handler uses (flushed by `lambdaHandler`). */
export interface EmailMetrics {
  addMetric(name: string, unit: MetricUnit, value: number): unknown;
}
