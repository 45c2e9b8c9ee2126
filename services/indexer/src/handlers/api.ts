import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAwsClient } from '@shop/common/aws';
import { CORRELATION_IDS, lambdaHandler } from '@shop/common/lambda';
import { createLogger } from '@shop/common/logger';
import { DynamoDBMediaCatalog } from '../adapters/DynamoDBMediaCatalog.js';
import { createMediaApiHandler } from '../app/createMediaApiHandler.js';
import { AWS_LIMITS, loadIndexerConfig } from '../config.js';
import { SERVICE } from '../domain/constants.js';

// MediaApiFunction: GET /products/{productId}/media on OrdersApi (same authorizer). No business
// metrics: Metrics publishes the ColdStart metric and, for a 5xx answer, HandledFailures (the
// rollback alarm's signal: Lambda's Errors never sees an answered 500).
const config = loadIndexerConfig();
const dynamodb = createAwsClient(DynamoDBClient, 'DynamoDB', AWS_LIMITS.dynamodb);
const catalog = new DynamoDBMediaCatalog(
  DynamoDBDocumentClient.from(dynamodb),
  config.mediaTableName,
);
const logger = createLogger(SERVICE.name);
const metrics = new Metrics({ namespace: SERVICE.metricsNamespace, serviceName: SERVICE.name });

export const handler = lambdaHandler(createMediaApiHandler({ catalog, logger, now: Date.now }), {
  logger,
  metrics,
  correlationId: CORRELATION_IDS.httpApi,
  deadlineMarginMs: AWS_LIMITS.deadlineMarginMs,
});
