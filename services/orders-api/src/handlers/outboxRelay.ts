import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAwsClient } from '@shop/common/aws';
import { createLogger } from '@shop/common/logger';
import { DynamoDBOrderRepository } from '../adapters/DynamoDBOrderRepository.js';
import { SqsOrderEventPublisher } from '../adapters/SqsOrderEventPublisher.js';
import { systemRuntime } from '../adapters/systemRuntime.js';
import { loadRelayConfig } from '../config.js';
import { createRelayHandler } from '../jobs/relayHandler.js';

// OutboxRelayFunction: every minute, publishes order events whose request gave up.

const config = loadRelayConfig();
const dynamodb = DynamoDBDocumentClient.from(createAwsClient(DynamoDBClient, 'DynamoDB'), {
  marshallOptions: { removeUndefinedValues: true },
});

export const handler = createRelayHandler({
  repository: new DynamoDBOrderRepository(dynamodb, config.ORDERS_TABLE_NAME),
  publisher: new SqsOrderEventPublisher(
    createAwsClient(SQSClient, 'SQS', { maxAttempts: 3 }),
    config.ORDER_EVENTS_QUEUE_URL,
  ),
  runtime: systemRuntime(),
  logger: createLogger('orders-api', { persistentKeys: { function: 'outboxRelay' } }),
  metrics: new Metrics({ namespace: 'Shop', serviceName: 'orders-api' }),
});
