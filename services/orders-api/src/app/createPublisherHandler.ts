import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Logger } from '@shop/common/logger';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { METRICS } from '../domain/constants.js';
import type { OrderEventQueue } from '../domain/ports.js';
import { publishOrderEvents } from '../domain/publishOrderEvents.js';
import { toOrderChangeRecord } from './orderStreamRecords.js';
import type { BusinessMetrics } from './telemetry.js';

export interface PublisherDependencies {
  queue: OrderEventQueue;
  logger: Logger;
  metrics: BusinessMetrics;
}

/**
 * The OrderEventsPublisherFunction handler: OrdersTable's stream (filtered to order inserts
 * and PLACED -> CANCELLED) in, OrderPlaced / OrderCancelled on OrderEventsQueue out, in stream
 * order. A failure reports the first record not sent (`ReportBatchItemFailures`), so Lambda
 * retries from there; the event source's retries, bisection and on-failure queue do the rest.
 * Every log line about one record carries its `sequenceNumber` (and the order's id).
 *
 * @example
 * export const handler = lambdaHandler(createPublisherHandler({ queue, logger, metrics }), {
 *   logger, metrics, correlationId: CORRELATION_IDS.dynamodbStream, deadlineMarginMs: 2_000,
 * });
 */
export const createPublisherHandler =
  (deps: PublisherDependencies) =>
  async (event: DynamoDBStreamEvent, _context?: Context): Promise<DynamoDBBatchResponse> => {
    const { logger, metrics } = deps;
    const records = (event.Records ?? []).map(toOrderChangeRecord);
    for (const record of records) {
      if ('invalid' in record) {
        logger.error('stream record is not a valid order change; quarantined', {
          sequenceNumber: record.id,
          reason: record.invalid,
        });
      }
    }
    const result = await publishOrderEvents(records, deps);
    for (const published of result.published) {
      logger.info('order event published', {
        sequenceNumber: published.id,
        eventType: published.event.type,
        eventId: published.event.eventId,
        orderId: published.event.order.orderId,
      });
    }
    for (const refused of result.refused) {
      logger.error('order event refused by the queue; quarantined', {
        sequenceNumber: refused.id,
        eventId: refused.event.eventId,
        orderId: refused.event.order.orderId,
        reason: refused.reason,
      });
    }
    if (result.published.length > 0) {
      metrics.addMetric(METRICS.orderEventsPublished, MetricUnit.Count, result.published.length);
    }
    if (result.quarantined > 0) {
      metrics.addMetric(METRICS.orderEventsRejected, MetricUnit.Count, result.quarantined);
    }
    if (result.failedRecordId === undefined) return { batchItemFailures: [] };
    logger.warn('order events not sent; the stream retries from this record', {
      sequenceNumber: result.failedRecordId,
      sent: result.published.length,
      records: records.length,
    });
    return { batchItemFailures: [{ itemIdentifier: result.failedRecordId }] };
  };
