import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createAwsClient } from '@shop/common/aws';
import { CORRELATION_IDS, lambdaHandler } from '@shop/common/lambda';
import { ordersTables } from '../adapters/ordersTables.js';
import { secretsManagerSigningKeys } from '../adapters/SecretsManagerSigningKeys.js';
import { systemRuntime } from '../adapters/systemRuntime.js';
import { createApiHandler } from '../app/createApiHandler.js';
import { createIdempotentPlaceOrder } from '../app/idempotentPlaceOrder.js';
import { createTelemetry } from '../app/telemetry.js';
import { AWS_LIMITS, loadApiConfig } from '../config.js';
import { createCursorCodec } from '../domain/cursor.js';

// OrdersApiFunction: POST/GET /orders, GET /orders/{orderId}, POST /orders/{orderId}/cancel.
const { api: limits } = AWS_LIMITS;
const config = loadApiConfig();
const { logger, metrics } = createTelemetry('api');
const dynamodb = createAwsClient(DynamoDBClient, 'DynamoDB', limits.dynamodb);
const { repository, persistenceStore } = ordersTables(dynamodb, config);
const runtime = systemRuntime();
const placing = createIdempotentPlaceOrder({ repository, runtime, persistenceStore });
// Secrets Manager only for cursors (listing pages, CursorKeySecret): its client is made on
// the first one.
const keys = secretsManagerSigningKeys(
  { secretId: config.cursorSecretId, cacheSeconds: config.cursorKeyCacheSeconds },
  limits.secretsManager,
  { onFirstUse: true },
);
const cursors = createCursorCodec(() => keys.current(), { refresh: () => keys.refresh() });
const app = createApiHandler({ repository, runtime, placing, cursors, logger, metrics });
export const handler = lambdaHandler(app, {
  logger,
  metrics,
  correlationId: CORRELATION_IDS.httpApi,
  deadlineMarginMs: limits.deadlineMarginMs,
});
