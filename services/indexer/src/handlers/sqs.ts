import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAwsClient } from '@shop/common/aws';
import { CORRELATION_IDS, lambdaHandler } from '@shop/common/lambda';
import { createLogger } from '@shop/common/logger';
import { DynamoDBMediaCatalog } from '../adapters/DynamoDBMediaCatalog.js';
import { S3ObjectInspector } from '../adapters/S3ObjectInspector.js';
import { S3OutcomeReader } from '../adapters/S3OutcomeReader.js';
import { createIndexHandler } from '../app/createIndexHandler.js';
import { AWS_LIMITS, loadIndexerConfig } from '../config.js';
import { SERVICE } from '../domain/constants.js';

// IndexerFunction: IndexQueue -> MediaTable. Nearly every record needs S3 (HEAD or GET).
const config = loadIndexerConfig();
const tables = DynamoDBDocumentClient.from(
  createAwsClient(DynamoDBClient, 'DynamoDB', AWS_LIMITS.dynamodb),
);
const s3 = createAwsClient(S3Client, 'S3', AWS_LIMITS.s3);
const logger = createLogger(SERVICE.name);
const metrics = new Metrics({ namespace: SERVICE.metricsNamespace, serviceName: SERVICE.name });
const deps = { inspector: new S3ObjectInspector(s3), outcomes: new S3OutcomeReader(s3), config };
const catalog = new DynamoDBMediaCatalog(tables, config.mediaTableName);

export const handler = lambdaHandler(createIndexHandler({ ...deps, catalog, logger, metrics }), {
  logger,
  metrics,
  correlationId: CORRELATION_IDS.sqs,
  deadlineMarginMs: AWS_LIMITS.deadlineMarginMs,
});
