import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAwsClient } from '@shop/common/aws';
import { CORRELATION_IDS, lambdaHandler } from '@shop/common/lambda';
import { createLogger } from '@shop/common/logger';
import { DynamoDBMediaCatalog } from '../adapters/DynamoDBMediaCatalog.js';
import { createMediaApiHandler } from '../app/createMediaApiHandler.js';
import { AWS_LIMITS, loadIndexerConfig } from '../config.js';

// MediaApiFunction: GET /products/{productId}/media on OrdersApi (same authorizer). No business
// metrics, so no Metrics: logMetrics would warn about an empty flush on every request.
const config = loadIndexerConfig();
const dynamodb = createAwsClient(DynamoDBClient, 'DynamoDB', AWS_LIMITS.dynamodb);
const catalog = new DynamoDBMediaCatalog(
  DynamoDBDocumentClient.from(dynamodb),
  config.mediaTableName,
);
const logger = createLogger('indexer');

export const handler = lambdaHandler(createMediaApiHandler({ catalog, logger, now: Date.now }), {
  logger,
  correlationId: CORRELATION_IDS.httpApi,
  deadlineMarginMs: AWS_LIMITS.deadlineMarginMs,
});
