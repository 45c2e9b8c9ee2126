import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAwsClient, withDeadline } from '@shop/common/aws';
import { createLogger } from '@shop/common/logger';
import { createSecretsReader } from '@shop/common/secrets';
import { DynamoDBOrderRepository } from '../adapters/DynamoDBOrderRepository.js';
import { systemRuntime } from '../adapters/systemRuntime.js';
import { AWS_LIMITS, loadApiConfig } from '../config.js';
import { createCursorCodec } from '../domain/cursor.js';
import { createApiHandler } from '../http/apiHandler.js';
import { createIdempotentPlaceOrder } from '../http/idempotentPlaceOrder.js';

// OrdersApiFunction: POST/GET /orders, GET /orders/{orderId}, POST /orders/{orderId}/cancel.
// It writes DynamoDB only; the table's stream carries each change to the events publisher.
// Clients and config are built once per container; every AWS call ends by the deadline
// (AWS_LIMITS.api), and a timed-out dependency answers 503 (http/errorMapping.ts).

const config = loadApiConfig();
const limits = AWS_LIMITS.api;
const secrets = createSecretsReader({
  client: createAwsClient(SecretsManagerClient, 'Secrets Manager', limits.secretsManager),
  maxAgeSeconds: config.SIGNING_KEY_CACHE_SECONDS,
});
const dynamodbClient = createAwsClient(DynamoDBClient, 'DynamoDB', limits.dynamodb);
const repository = new DynamoDBOrderRepository(
  DynamoDBDocumentClient.from(dynamodbClient, { marshallOptions: { removeUndefinedValues: true } }),
  config.ORDERS_TABLE_NAME,
);
const runtime = systemRuntime();

export const handler = withDeadline(
  createApiHandler({
    repository,
    runtime,
    placing: createIdempotentPlaceOrder({
      repository,
      runtime,
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: config.IDEMPOTENCY_TABLE_NAME,
        awsSdkV3Client: dynamodbClient,
      }),
    }),
    cursors: createCursorCodec(() => secrets.getSecretVersions(config.SIGNING_SECRET_ID)),
    logger: createLogger('orders-api'),
    metrics: new Metrics({ namespace: 'Shop', serviceName: 'orders-api' }),
  }),
  { marginMs: limits.deadlineMarginMs },
);
