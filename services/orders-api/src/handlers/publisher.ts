import { SQSClient } from '@aws-sdk/client-sqs';
import { createAwsClient } from '@shop/common/aws';
import { CORRELATION_IDS, lambdaHandler } from '@shop/common/lambda';
import { SqsOrderEventQueue } from '../adapters/SqsOrderEventQueue.js';
import { createPublisherHandler } from '../app/createPublisherHandler.js';
import { createTelemetry } from '../app/telemetry.js';
import { AWS_LIMITS, loadPublisherConfig } from '../config.js';

// OrderEventsPublisherFunction: OrdersTable's stream -> OrderEventsQueue.fifo.
const { publisher: limits } = AWS_LIMITS;
const config = loadPublisherConfig();
const { logger, metrics } = createTelemetry('publisher');
const queue = new SqsOrderEventQueue(createAwsClient(SQSClient, 'SQS', limits.sqs), {
  queueUrl: config.orderEventsQueueUrl,
  deadLetterQueueUrl: config.publisherDeadLetterQueueUrl,
});

export const handler = lambdaHandler(createPublisherHandler({ queue, logger, metrics }), {
  logger,
  metrics,
  correlationId: CORRELATION_IDS.dynamodbStream,
  deadlineMarginMs: limits.deadlineMarginMs,
});
