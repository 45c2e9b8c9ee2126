import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAwsClient, withDeadline } from '@shop/common/aws';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoDBMediaCatalog } from '../adapters/DynamoDBMediaCatalog.js';
import { parseIndexMessage } from '../adapters/indexMessage.js';
import { S3ObjectInspector } from '../adapters/S3ObjectInspector.js';
import { S3OutcomeReader } from '../adapters/S3OutcomeReader.js';
import { AWS_LIMITS, readConfig } from '../config.js';
import { applyThumbnailOutcome } from '../domain/applyThumbnailOutcome.js';
import { MalformedEventError } from '../domain/errors.js';
import { indexObjectChange } from '../domain/indexObjectChange.js';
import type { IndexChange } from '../domain/types.js';
import { flushMetrics, logger, reportOutcome } from '../telemetry.js';

// IndexerFunction: consumes IndexQueue (S3 events routed by UploadsEventsRule, thumbnailer
// outcome events routed by ThumbnailOutcomesRule) in batches and
// reports per-message failures, so one bad message never holds back the rest of its batch.

const config = readConfig();
const catalog = new DynamoDBMediaCatalog(
  DynamoDBDocumentClient.from(createAwsClient(DynamoDBClient, 'DynamoDB', AWS_LIMITS.dynamodb)),
  config.mediaTableName,
);
const s3 = createAwsClient(S3Client, 'S3', AWS_LIMITS.s3);
const inspector = new S3ObjectInspector(s3);
const outcomes = new S3OutcomeReader(s3);
const processor = new BatchProcessor(EventType.SQS);

/** Parse step: a malformed message is logged once per delivery and reported as failed. */
const parse = (record: SQSRecord): IndexChange => {
  try {
    return parseIndexMessage(record, config);
  } catch (error) {
    if (error instanceof MalformedEventError) {
      logger.warn('malformed message: failing it so it reaches the dead-letter queue', {
        messageId: record.messageId,
        receiveCount: record.attributes?.ApproximateReceiveCount,
        reason: error.message,
      });
    }
    throw error;
  }
};

const recordHandler = async (record: SQSRecord): Promise<void> => {
  const change = parse(record);
  try {
    const outcome =
      change.kind === 'outcome'
        ? await applyThumbnailOutcome(change, { outcomes, inspector, catalog, settings: config })
        : await indexObjectChange(change, { inspector, catalog, settings: config });
    reportOutcome(outcome, change);
  } catch (error) {
    logger.error('indexing failed: SQS will redeliver the message', {
      messageId: record.messageId,
      key: change.key,
      error: error as Error,
    });
    throw error;
  }
};

export const handler = withDeadline(
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    try {
      // One record at a time: two events for the same key in one batch (a delete and a late
      // create, say) then meet the conditional write one after the other instead of racing,
      // which also keeps backends whose condition checks are not atomic (moto) faithful.
      return await processPartialResponse(event, recordHandler, processor, {
        context,
        processInParallel: false,
      });
    } finally {
      flushMetrics();
    }
  },
  { marginMs: AWS_LIMITS.deadlineMarginMs },
);
