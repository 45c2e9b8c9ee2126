import {
  processPartialResponse,
  SqsFifoMessageGroupShortCircuitError,
  SqsFifoPartialProcessorAsync,
} from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { excuseFailures } from '@shop/common/lambda';
import type { OrderEvent } from '@shop/contracts/orderEvents';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { EmailConfig } from '../config.js';
import { FAILURE_KINDS } from '../domain/classifyFailure.js';
import { DEAD_LETTER_QUEUE, METRICS } from '../domain/constants.js';
import { EmailRejectedError, InvalidOrderEventError } from '../domain/errors.js';
import type { EmailSender } from '../domain/ports.js';
import { sendOrderEmail } from '../domain/sendOrderEmail.js';
import {
  createRecordHandler,
  type PermanentFailureReport,
  type SendOnceResult,
} from './createRecordHandler.js';
import { parseOrderEvent } from './parseOrderEvent.js';
import type { EmailLogger, EmailMetrics } from './telemetry.js';

/**
 * Idempotency key prefixes. Fixed strings rather than Powertools' default (the function's
 * physical name), so renaming or redeploying the function keeps every recorded key valid.
 */
export const IDEMPOTENCY_KEY_PREFIXES = {
  send: 'email.sendOrderEmail',
  permanentFailure: 'email.permanentFailure',
} as const;

/**
 * How long a permanent failure stays "already reported". Long enough for the message to use up
 * its receives (5 x 180 s visibility on AWS, more under a backlog); short enough that a message
 * redriven from the DLQ hours later is reported again if it still fails.
 */
export const PERMANENT_FAILURE_REPORT_TTL_SECONDS = 6 * 60 * 60;

/** What {@link createEmailHandler} wires together. */
export interface EmailHandlerDependencies {
  sender: EmailSender;
  /** A new idempotency store (one per idempotent function, as Powertools requires). */
  createPersistenceStore: () => BasePersistenceLayer;
  logger: EmailLogger;
  metrics: EmailMetrics;
  /**
   * `idempotencyExpirySeconds`: how long a sent event id is remembered (a redelivery within it
   * sends nothing); `remainingTimeSafetyMarginMs`: a record is not started with less invocation
   * time left; `maxReceiveCount`: OrderEventsQueue's, a failure on this receive sends the message
   * to the DLQ.
   */
  config: Pick<
    EmailConfig,
    'idempotencyExpirySeconds' | 'remainingTimeSafetyMarginMs' | 'maxReceiveCount'
  >;
}

/** The ids of a record's event for a log line, or none when the body is not an event. */
const eventIdsOf = (body: string) => {
  try {
    const event = parseOrderEvent(body);
    return { eventId: event.eventId, eventType: event.type, orderId: event.order.orderId };
  } catch {
    return {};
  }
};

/** Filled in by the idempotent send once SES has accepted the email. */
interface SendAttempt {
  accepted?: SendOnceResult;
}

/**
 * The SQS FIFO handler of the email service: Powertools' FIFO batch processing (records in
 * order; once a record fails, the later records of its message group, i.e. of the same order,
 * are failed without being started, while other groups go on), each body parsed as an order
 * event, one email per event id through Powertools idempotency, permanent failures logged once
 * per message. Log context and metric flushing are `lambdaHandler`'s (src/handlers).
 *
 * @example
 * export const handler = lambdaHandler(
 *   createEmailHandler({ sender, createPersistenceStore, logger, metrics, config }),
 *   { logger, metrics, correlationId: CORRELATION_IDS.sqs, deadlineMarginMs: 1_500 },
 * );
 */
export const createEmailHandler = (deps: EmailHandlerDependencies) => {
  const { logger, metrics, config } = deps;

  const sendConfig = new IdempotencyConfig({
    eventKeyJmesPath: 'eventId',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: config.idempotencyExpirySeconds,
    // Called only when the stored result of an earlier execution is returned.
    responseHook: (response) => ({ ...(response as object), replayed: true }),
  });
  const sendStore = deps.createPersistenceStore();
  const sendIdempotent = makeIdempotent(
    // Only the first argument (the event) is the idempotency payload; `attempt` tells the caller
    // whether SES accepted the email when the completion write fails afterwards.
    async (event: OrderEvent, attempt: SendAttempt): Promise<SendOnceResult> => {
      const receipt = await sendOrderEmail(event, { sender: deps.sender });
      attempt.accepted = { messageId: receipt.messageId, replayed: false };
      return attempt.accepted;
    },
    { persistenceStore: sendStore, config: sendConfig, keyPrefix: IDEMPOTENCY_KEY_PREFIXES.send },
  );

  // SES accepted the email but Powertools could not mark the record COMPLETED (it then keeps
  // the INPROGRESS record and throws). Failing the record would make SQS deliver it again once
  // that record's in-progress time has passed, and send the email a second time. So: one more
  // completion write, and if that fails too, report the record done anyway; SQS deletes the
  // message, and only a new message with the same event id after the in-progress time (the
  // queue drops one within 5 minutes) could still send it again.
  const completeAccepted = async (event: OrderEvent, sent: SendOnceResult, cause: unknown) => {
    try {
      await sendStore.saveSuccess(event, { ...sent });
      logger.warn('order email sent; its completion record was written on a second try', {
        eventId: event.eventId,
        reason: (cause as Error).name,
      });
    } catch (error) {
      logger.warn('order email sent, but its completion record could not be written', {
        eventId: event.eventId,
        orderId: event.order.orderId,
        reason: (error as Error).name,
      });
    }
    return sent;
  };
  const sendOnce = async (event: OrderEvent): Promise<SendOnceResult> => {
    const attempt: SendAttempt = {};
    try {
      return await sendIdempotent(event, attempt);
    } catch (error) {
      if (attempt.accepted === undefined) throw error;
      return completeAccepted(event, attempt.accepted, error);
    }
  };

  const logPermanentFailure = (report: PermanentFailureReport, extra: object = {}) => {
    metrics.addMetric(METRICS.failed, MetricUnit.Count, 1);
    const { kind, ...fields } = report;
    const details = {
      ...fields,
      deadLetterQueue: DEAD_LETTER_QUEUE,
      maxReceiveCount: config.maxReceiveCount,
      ...extra,
    };
    if (kind === FAILURE_KINDS.permanent) {
      logger.error(
        'order email failed permanently; the message goes to the dead-letter queue',
        details,
      );
    } else {
      logger.error(
        'order email failed on its last receive; the message goes to the dead-letter queue',
        details,
      );
    }
  };
  const reportConfig = new IdempotencyConfig({
    eventKeyJmesPath: 'messageId',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: PERMANENT_FAILURE_REPORT_TTL_SECONDS,
    responseHook: (response) => ({ ...(response as object), replayed: true }),
  });
  const reportOnce = makeIdempotent(
    async (report: PermanentFailureReport) => {
      logPermanentFailure(report);
      return { replayed: false };
    },
    {
      persistenceStore: deps.createPersistenceStore(),
      config: reportConfig,
      keyPrefix: IDEMPOTENCY_KEY_PREFIXES.permanentFailure,
    },
  );
  const reportPermanentFailure = async (report: PermanentFailureReport) => {
    try {
      const { replayed } = await reportOnce(report);
      if (replayed) {
        logger.debug('permanent failure already reported for this message', {
          messageId: report.messageId,
          receiveCount: report.receiveCount,
        });
      }
    } catch (error) {
      // Better twice than never: without the store we cannot tell whether it was logged.
      logPermanentFailure(report, { reportStoreError: (error as Error).name });
    }
  };

  const recordHandler = createRecordHandler({
    sendOnce,
    reportPermanentFailure,
    logger,
    metrics,
    safetyMarginMs: config.remainingTimeSafetyMarginMs,
    maxReceiveCount: config.maxReceiveCount,
  });
  const processor = new SqsFifoPartialProcessorAsync();

  // Records the FIFO processor failed without starting them: an earlier record of the same
  // message group failed in this batch. They go back to SQS behind that record, so a
  // cancellation never overtakes its order's confirmation.
  // On its last receive such a record goes to the DLQ too: reported like any undeliverable one.
  const reportSkippedRecords = async () => {
    for (const [index, error] of processor.errors.entries()) {
      if (!(error instanceof SqsFifoMessageGroupShortCircuitError)) continue;
      const record = processor.failureMessages[index] as SQSRecord | undefined;
      const receiveCount = Number(record?.attributes.ApproximateReceiveCount ?? '1');
      if (record !== undefined && receiveCount >= config.maxReceiveCount) {
        await reportPermanentFailure({
          messageId: record.messageId,
          receiveCount,
          kind: FAILURE_KINDS.transient,
          reason: 'group-held-back',
          ...eventIdsOf(record.body),
        });
        continue;
      }
      metrics.addMetric(METRICS.retried, MetricUnit.Count, 1);
      logger.warn('order email not started: an earlier message of its group failed', {
        messageId: record?.messageId,
        messageGroupId: record?.attributes.MessageGroupId,
      });
    }
  };

  // Failed records that say nothing about this version of the function (HandledFailures
  // leaves them out, so they cannot roll back a deployment): an event that is not a valid
  // order event, a message SES refuses for its content or recipient (MessageRejected), and a
  // record held back behind its group's failed record (that failure counts once). The other
  // permanent SES errors (bad request, access denied, sender not verified) count: the request
  // and the configuration are the version's. So do records left for lack of time: they are
  // the timeouts Lambda's Errors would have counted.
  const notTheVersionsFailure = (error: Error): boolean =>
    error instanceof SqsFifoMessageGroupShortCircuitError ||
    error instanceof InvalidOrderEventError ||
    (error instanceof EmailRejectedError && error.code === 'MessageRejected');

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    // In-progress idempotency records then expire with this invocation's remaining time, so a
    // crashed or timed-out attempt does not block the retry for the whole expiry period.
    sendConfig.registerLambdaContext(context);
    reportConfig.registerLambdaContext(context);
    // The FIFO processor always handles records one after another. skipGroupOnError: a
    // failure holds back only its own group (order), not the rest of the batch.
    const response = await processPartialResponse(event, recordHandler, processor, {
      context,
      skipGroupOnError: true,
      throwOnFullBatchFailure: false,
    });
    await reportSkippedRecords();
    logger.info('batch processed', {
      records: event.Records.length,
      failures: response.batchItemFailures.length,
    });
    return excuseFailures(response, processor.errors.filter(notTheVersionsFailure).length);
  };
};
