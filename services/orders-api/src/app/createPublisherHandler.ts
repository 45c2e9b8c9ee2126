import type { Logger } from '@shop/common/logger';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import {
  countMetric,
  flushMetrics,
  type MetricsSink,
  ORDER_METRICS,
} from '../adapters/businessMetrics.js';
import { toOrderChangeRecord } from '../adapters/orderStreamRecords.js';
import type { OrderEventQueue } from '../domain/ports.js';
import { publishOrderEvents } from '../domain/publishOrderEvents.js';

/**
 * The OrderEventsPublisherFunction handler: OrdersTable's stream (filtered to order inserts
 * and PLACED -> CANCELLED) in, OrderPlaced / OrderCancelled on OrderEventsQueue out, in stream
 * order. A failure reports the first record not sent (`ReportBatchItemFailures`), so Lambda
 * retries from there; the event source's retries, bisection and on-failure queue do the rest.
 *
 * @example
 * export const handler = createPublisherHandler({ queue, logger, metrics });
 */
export const createPublisherHandler =
  (deps: { queue: OrderEventQueue; logger: Logger; metrics: MetricsSink }) =>
  async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
    const { logger, metrics } = deps;
    logger.addContext(context);
    try {
      const records = (event.Records ?? []).map(toOrderChangeRecord);
      for (const record of records) {
        if ('invalid' in record) {
          logger.error('stream record is not a valid order change; quarantined', {
            sequenceNumber: record.id,
            reason: record.invalid,
          });
        }
      }
      const result = await publishOrderEvents(deps, records);
      for (const published of result.published) {
        logger.info('order event published', {
          eventType: published.type,
          eventId: published.eventId,
          orderId: published.order.orderId,
        });
      }
      if (result.published.length > 0) {
        countMetric(metrics, ORDER_METRICS.eventsPublished, result.published.length);
      }
      if (result.quarantined > 0) {
        countMetric(metrics, ORDER_METRICS.eventsRejected, result.quarantined);
      }
      if (result.failedRecordId === undefined) return { batchItemFailures: [] };
      logger.warn('order events not sent; the stream retries from this record', {
        sequenceNumber: result.failedRecordId,
        sent: result.published.length,
        records: records.length,
      });
      return { batchItemFailures: [{ itemIdentifier: result.failedRecordId }] };
    } finally {
      flushMetrics(metrics);
    }
  };
