import { Metrics } from '@aws-lambda-powertools/metrics';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createAwsClient, withDeadline } from '@shop/common/aws';
import { createLogger } from '@shop/common/logger';
import { SqsOrderEventQueue } from '../adapters/SqsOrderEventQueue.js';
import { createPublisherHandler } from '../app/createPublisherHandler.js';
import { AWS_LIMITS, loadPublisherConfig } from '../config.js';

// OrderEventsPublisherFunction: OrdersTable's stream -> OrderEventsQueue.fifo.

const config = loadPublisherConfig();
const sqs = createAwsClient(SQSClient, 'SQS', AWS_LIMITS.publisher.sqs);

export const handler = withDeadline(
  createPublisherHandler({
    queue: new SqsOrderEventQueue(sqs, {
      queueUrl: config.ORDER_EVENTS_QUEUE_URL,
      deadLetterQueueUrl: config.PUBLISHER_DEAD_LETTER_QUEUE_URL,
    }),
    logger: createLogger('orders-api', { persistentKeys: { function: 'publisher' } }),
    metrics: new Metrics({ namespace: 'Shop', serviceName: 'orders-api' }),
  }),
  { marginMs: AWS_LIMITS.publisher.deadlineMarginMs },
);
