import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { createLogger } from '@shop/common/logger';
import type { IndexChange, IndexOutcome } from './domain/types.js';

/** The indexer's structured logger. */
export const logger = createLogger('indexer');

/** Business counts in embedded metric format (namespace Shop, service indexer). */
export const metrics = new Metrics({ namespace: 'Shop', serviceName: 'indexer' });

/** Metric names, one per outcome. */
export const METRIC_NAMES = {
  indexed: 'ObjectsIndexed',
  deleted: 'ObjectsDeleted',
  processed: 'OutcomesRecorded',
  ignored: 'EventsIgnored',
} as const;

/**
 * Count one processed event and log what happened to it. Keys are logged (they name product
 * files, not people); user metadata is not.
 *
 * @example
 * reportOutcome({ result: 'indexed', key, productId }, change);
 */
export const reportOutcome = (outcome: IndexOutcome, change: IndexChange): void => {
  metrics.addMetric(METRIC_NAMES[outcome.result], MetricUnit.Count, 1);
  const context = { eventId: change.eventId, key: outcome.key, sequencer: change.sequencer };
  if (outcome.result === 'ignored') {
    logger.info('event ignored', { ...context, kind: change.kind, reason: outcome.reason });
  } else if (outcome.result === 'processed') {
    logger.info('thumbnail outcome recorded', {
      ...context,
      productId: outcome.productId,
      status: outcome.status,
    });
  } else {
    logger.info(`object ${outcome.result}`, { ...context, productId: outcome.productId });
  }
};

/** Emit the invocation's metrics (once per invocation, only if there are any). */
export const flushMetrics = (): void => {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
};
