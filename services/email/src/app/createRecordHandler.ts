import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { OrderEvent } from '@shop/contracts/orderEvents';
import type { Context, SQSRecord } from 'aws-lambda';
import { classifyFailure, FAILURE_KINDS, type FailureKind } from '../domain/classifyFailure.js';
import { METRICS } from '../domain/constants.js';
import { TimeBudgetExhaustedError } from '../domain/errors.js';
import { parseOrderEvent } from './parseOrderEvent.js';
import type { EmailLogger, EmailMetrics } from './telemetry.js';

/**
 * The outcome of sending one event's email, deduplicated on its event id by the idempotency
 * record (at least once: a send whose completion was not recorded can happen again).
 */
export interface SendOnceResult {
  messageId: string;
  /** True when the email had already been sent for this event id: nothing was sent now. */
  replayed: boolean;
}

/**
 * A message that will not be emailed: a permanent failure, or a transient one on the receive
 * after which the redrive policy moves it to the dead-letter queue (no PII: ids, reason codes
 * and field names only).
 */
export interface PermanentFailureReport {
  messageId: string;
  receiveCount: number;
  kind: FailureKind;
  reason: string;
  problems?: readonly string[];
  eventId?: string;
  eventType?: string;
  orderId?: string;
}

/** What the record handler needs. */
export interface RecordHandlerDependencies {
  /** Send the event's email unless it was already sent (idempotent on the event id). */
  sendOnce(event: OrderEvent): Promise<SendOnceResult>;
  /**
   * Log and count a message that goes to the dead-letter queue, once per SQS message however
   * often it is received: a permanent failure on first sight, a transient one on its last receive.
   */
  reportPermanentFailure(report: PermanentFailureReport): Promise<void>;
  logger: EmailLogger;
  metrics: EmailMetrics;
  /** A record is not started with less than this much invocation time left. */
  safetyMarginMs: number;
  /** The queue's maxReceiveCount: a failure on this receive sends the message to the DLQ. */
  maxReceiveCount: number;
}

/** The keys appended to the log for one record, removed before the next. */
const RECORD_LOG_KEYS = ['messageId', 'eventId'];

/**
 * The per-record step of the SQS batch: check the time budget, parse the body, send the email
 * once, and classify any failure. A thrown error makes the record a batch item failure, so SQS
 * delivers it again; permanent failures are reported once and keep failing until the queue's
 * redrive policy moves them to the dead-letter queue.
 *
 * @example
 * processPartialResponse(event, createRecordHandler(deps), processor, { context });
 */
export const createRecordHandler =
  (deps: RecordHandlerDependencies) =>
  async (record: SQSRecord, context: Context): Promise<SendOnceResult> => {
    const { logger, metrics } = deps;
    const messageId = record.messageId;
    const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? '1');
    let event: OrderEvent | undefined;
    // Every line logged for this record carries its message id, and its event id once parsed.
    logger.appendKeys({ messageId });
    try {
      const remainingMs = context.getRemainingTimeInMillis();
      if (remainingMs < deps.safetyMarginMs) throw new TimeBudgetExhaustedError(remainingMs);
      event = parseOrderEvent(record.body);
      logger.appendKeys({ eventId: event.eventId });
      const result = await deps.sendOnce(event);
      const ids = {
        messageId,
        eventId: event.eventId,
        orderId: event.order.orderId,
        receiveCount,
      };
      if (result.replayed) {
        metrics.addMetric(METRICS.skippedDuplicate, MetricUnit.Count, 1);
        logger.info('order email already sent for this event; nothing sent', ids);
      } else {
        metrics.addMetric(METRICS.sent, MetricUnit.Count, 1);
        logger.info('order email sent', {
          ...ids,
          eventType: event.type,
          sesMessageId: result.messageId,
        });
      }
      return result;
    } catch (error) {
      const failure = classifyFailure(error);
      const eventIds =
        event === undefined
          ? {}
          : { eventId: event.eventId, eventType: event.type, orderId: event.order.orderId };
      // Permanent: every receive fails the same way. Transient on the last receive: the redrive
      // policy moves the message to the DLQ before the next one. Either way, one ERROR line.
      const undeliverable =
        failure.kind === FAILURE_KINDS.permanent || receiveCount >= deps.maxReceiveCount;
      if (undeliverable) {
        await deps.reportPermanentFailure({
          messageId,
          receiveCount,
          kind: failure.kind,
          reason: failure.reason,
          ...(failure.problems === undefined ? {} : { problems: failure.problems }),
          ...eventIds,
        });
      } else {
        metrics.addMetric(METRICS.retried, MetricUnit.Count, 1);
        logger.warn('order email not sent; SQS will deliver the message again', {
          messageId,
          receiveCount,
          reason: failure.reason,
          ...eventIds,
        });
      }
      throw error;
    } finally {
      logger.removeKeys(RECORD_LOG_KEYS);
    }
  };
