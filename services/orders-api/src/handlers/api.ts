import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAwsClient } from '@shop/common/aws';
import { createLogger } from '@shop/common/logger';
import { createSecretsReader } from '@shop/common/secrets';
import { DynamoDBOrderRepository } from '../adapters/DynamoDBOrderRepository.js';
import { SqsOrderEventPublisher } from '../adapters/SqsOrderEventPublisher.js';
import { systemRuntime } from '../adapters/systemRuntime.js';
import { loadApiConfig } from '../config.js';
import { createCursorCodec } from '../domain/cursor.js';
import { createApiHandler } from '../http/apiHandler.js';

// OrdersApiFunction: POST/GET /orders, GET /orders/{orderId}, POST /orders/{orderId}/cancel.
// Clients and config are built once per container.

const config = loadApiConfig();
const secrets = createSecretsReader({
  client: createAwsClient(SecretsManagerClient, 'Secrets Manager'),
  maxAgeSeconds: config.SIGNING_KEY_CACHE_SECONDS,
});
const dynamodb = DynamoDBDocumentClient.from(createAwsClient(DynamoDBClient, 'DynamoDB'), {
  marshallOptions: { removeUndefinedValues: true },
});
// Bounded sends: three attempts of at most ~3 s each stay well inside the function's 10 s
// timeout and the 15 s lease on the pending event, so a hanging queue answers 503, not 500.
const sqs = createAwsClient(SQSClient, 'SQS', {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
});

export const handler = createApiHandler({
  repository: new DynamoDBOrderRepository(dynamodb, config.ORDERS_TABLE_NAME),
  publisher: new SqsOrderEventPublisher(sqs, config.ORDER_EVENTS_QUEUE_URL),
  cursors: createCursorCodec(() => secrets.getSecretVersions(config.SIGNING_SECRET_ID)),
  runtime: systemRuntime(),
  logger: createLogger('orders-api'),
  metrics: new Metrics({ namespace: 'Shop', serviceName: 'orders-api' }),
});
