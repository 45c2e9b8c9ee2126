import {
  processPartialResponse,
  SqsFifoMessageGroupShortCircuitError,
  SqsFifoPartialProcessorAsync,
} from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { OrderEvent } from '@shop/contracts/orderEvents';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { EmailSender } from '../domain/ports.js';
import { sendOrderEmail } from '../domain/sendOrderEmail.js';
import {
  createRecordHandler,
  type PermanentFailureReport,
  type SendOnceResult,
} from './createRecordHandler.js';
import { EMAIL_METRICS, type EmailLogger, type EmailMetrics } from './telemetry.js';

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
export interface EmailHandlerOptions {
  sender: EmailSender;
  /** A new idempotency store (one per idempotent function, as Powertools requires). */
  createPersistenceStore: () => BasePersistenceLayer;
  logger: EmailLogger;
  metrics: EmailMetrics;
  /** How long a sent event id is remembered (a redelivery within it sends nothing). */
  idempotencyExpirySeconds: number;
  /** A record is not started with less than this much invocation time left. */
  safetyMarginMs: number;
}

/**
 * The SQS FIFO handler of the email service: Powertools' FIFO batch processing (records in
 * order; once a record fails, the later records of its message group, i.e. of the same order,
 * are failed without being started, while other groups go on), one email per event id through
 * Powertools idempotency, permanent failures logged once per message, metrics flushed per
 * invocation.
 *
 * @example
 * export const handler = createEmailHandler({ sender, createPersistenceStore, logger, metrics,
 *   idempotencyExpirySeconds: 604800, safetyMarginMs: 10000 });
 */
export const createEmailHandler = (options: EmailHandlerOptions) => {
  const { logger, metrics } = options;

  const sendConfig = new IdempotencyConfig({
    eventKeyJmesPath: 'eventId',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: options.idempotencyExpirySeconds,
    // Called only when the stored result of an earlier execution is returned.
    responseHook: (response) => ({ ...(response as object), replayed: true }),
  });
  const sendOnce = makeIdempotent(
    async (event: OrderEvent): Promise<SendOnceResult> => {
      const receipt = await sendOrderEmail(event, options.sender);
      return { messageId: receipt.messageId, replayed: false };
    },
    {
      persistenceStore: options.createPersistenceStore(),
      config: sendConfig,
      keyPrefix: IDEMPOTENCY_KEY_PREFIXES.send,
    },
  );

  const logPermanentFailure = (report: PermanentFailureReport, extra: object = {}) => {
    metrics.addMetric(EMAIL_METRICS.failed, MetricUnit.Count, 1);
    logger.error('order email failed permanently; the message goes to the dead-letter queue', {
      ...report,
      ...extra,
    });
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
      persistenceStore: options.createPersistenceStore(),
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
    safetyMarginMs: options.safetyMarginMs,
  });
  const processor = new SqsFifoPartialProcessorAsync();

  // Records the FIFO processor failed without starting them: an earlier record of the same
  // message group failed in this batch. They go back to SQS behind that record, so a
  // cancellation never overtakes its order's confirmation.
  const reportSkippedRecords = () => {
    processor.errors.forEach((error, index) => {
      if (!(error instanceof SqsFifoMessageGroupShortCircuitError)) return;
      const record = processor.failureMessages[index] as SQSRecord | undefined;
      metrics.addMetric(EMAIL_METRICS.retried, MetricUnit.Count, 1);
      logger.warn('order email not started: an earlier message of its group failed', {
        messageId: record?.messageId,
        messageGroupId: record?.attributes.MessageGroupId,
      });
    });
  };

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    // In-progress idempotency records then expire with this invocation's remaining time, so a
    // crashed or timed-out attempt does not block the retry for the whole expiry period.
    sendConfig.registerLambdaContext(context);
    reportConfig.registerLambdaContext(context);
    logger.addContext(context);
    try {
      // The FIFO processor always handles records one after another. skipGroupOnError: a
      // failure holds back only its own group (order), not the rest of the batch.
      const response = await processPartialResponse(event, recordHandler, processor, {
        context,
        skipGroupOnError: true,
        throwOnFullBatchFailure: false,
      });
      reportSkippedRecords();
      logger.info('batch processed', {
        records: event.Records.length,
        failures: response.batchItemFailures.length,
      });
      return response;
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
};
