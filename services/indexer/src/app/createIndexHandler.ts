import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { excuseFailures } from '@shop/common/lambda';
import type { Logger } from '@shop/common/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { IndexerConfig } from '../config.js';
import { applyThumbnailOutcome } from '../domain/applyThumbnailOutcome.js';
import { METRICS } from '../domain/constants.js';
import { MalformedEventError } from '../domain/errors.js';
import { indexObjectChange } from '../domain/indexObjectChange.js';
import type { MediaCatalog, ObjectInspector, OutcomeReader } from '../domain/ports.js';
import type { IndexChange, IndexOutcome } from '../domain/types.js';
import { parseIndexMessage } from './indexMessage.js';

// IndexerFunction: IndexQueue (S3 events routed by UploadsEventsRule, thumbnailer outcome
// events routed by ThumbnailOutcomesRule) in batches, with per-message failures reported, so
// one bad message never holds back the rest of its batch. Each record: parse -> use case ->
// metric and log line.

/** What the handler works with. */
export interface IndexHandlerDependencies {
  inspector: ObjectInspector;
  outcomes: OutcomeReader;
  catalog: MediaCatalog;
  config: Pick<IndexerConfig, 'uploadsBucket' | 'thumbnailsBucket'>;
  logger: Logger;
  metrics: Pick<Metrics, 'addMetric'>;
  now?: () => Date;
}

/**
 * Count one processed event and log what happened to it. Keys are logged (they name product
 * files, not people); user metadata is not.
 */
const reportOutcome = (
  outcome: IndexOutcome,
  change: IndexChange,
  { logger, metrics }: Pick<IndexHandlerDependencies, 'logger' | 'metrics'>,
): void => {
  metrics.addMetric(METRICS[outcome.result], MetricUnit.Count, 1);
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

/**
 * The SQS handler of IndexerFunction (wrap it with `lambdaHandler` from `@shop/common/lambda`).
 * Every log line of a record carries its `messageId`.
 *
 * @example
 * export const handler = lambdaHandler(createIndexHandler(deps), { logger, metrics, ... });
 */
export const createIndexHandler = (deps: IndexHandlerDependencies) => {
  const { logger, config } = deps;
  const useCaseDeps = { ...deps, settings: config };
  const processor = new BatchProcessor(EventType.SQS);

  /** Parse step: a malformed message is logged once per delivery and reported as failed. */
  const parse = (record: SQSRecord): IndexChange => {
    try {
      return parseIndexMessage(record, config);
    } catch (error) {
      if (error instanceof MalformedEventError) {
        logger.warn('malformed message: failing it so it reaches the dead-letter queue', {
          receiveCount: record.attributes?.ApproximateReceiveCount,
          reason: error.message,
        });
      }
      throw error;
    }
  };

  /** Records of the current invocation that failed on S3 or DynamoDB, not on their content. */
  let dependencyFailures = 0;

  const recordHandler = async (record: SQSRecord): Promise<void> => {
    logger.appendKeys({ messageId: record.messageId });
    const change = parse(record);
    try {
      const outcome =
        change.kind === 'outcome'
          ? await applyThumbnailOutcome(change, useCaseDeps)
          : await indexObjectChange(change, useCaseDeps);
      reportOutcome(outcome, change, deps);
    } catch (error) {
      if (error instanceof MalformedEventError) {
        // An outcome document that is not one: the message's own fault, like a bad body.
        logger.warn('malformed message: failing it so it reaches the dead-letter queue', {
          key: change.key,
          receiveCount: record.attributes?.ApproximateReceiveCount,
          reason: error.message,
        });
      } else {
        dependencyFailures++;
        logger.error('indexing failed: SQS will redeliver the message', {
          key: change.key,
          error: error as Error,
        });
      }
      throw error;
    }
  };

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    dependencyFailures = 0;
    // One record at a time: two events for the same key in one batch (a delete and a late
    // create, say) then meet the conditional write one after the other instead of racing,
    // which also keeps backends whose condition checks are not atomic (moto) faithful.
    const response = await processPartialResponse(event, recordHandler, processor, {
      context,
      processInParallel: false,
      throwOnFullBatchFailure: false,
    });
    // Every message failed, some on S3 or DynamoDB: fail the invocation so Lambda backs off.
    // Malformed messages alone never fail it: bad input is not a Lambda error (no Errors alarm,
    // no rollback of a deployment), it goes to the dead-letter queue.
    const failed = response.batchItemFailures.length;
    if (failed > 0 && failed === event.Records.length && dependencyFailures > 0) {
      throw new Error(
        `All ${failed} records failed, ${dependencyFailures} of them on S3 or DynamoDB`,
      );
    }
    // Nor do they count as the version's failures (HandledFailures): one malformed message,
    // redelivered during a deployment, must not roll it back.
    const malformed = processor.errors.filter((error) => error instanceof MalformedEventError);
    return excuseFailures(response, malformed.length);
  };
};
