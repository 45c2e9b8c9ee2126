import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAwsClient, withDeadline } from '@shop/common/aws';
import type { Context } from 'aws-lambda';
import { DynamoDBMediaCatalog } from '../adapters/DynamoDBMediaCatalog.js';
import { createMediaApiHandler, type MediaApiEvent } from '../app/mediaApi.js';
import { AWS_LIMITS, readConfig } from '../config.js';
import { logger } from '../telemetry.js';

// MediaApiFunction: GET /products/{productId}/media on OrdersApi (same authorizer).

const config = readConfig();
const catalog = new DynamoDBMediaCatalog(
  DynamoDBDocumentClient.from(createAwsClient(DynamoDBClient, 'DynamoDB', AWS_LIMITS.dynamodb)),
  config.mediaTableName,
);
const handle = createMediaApiHandler({ catalog, logger });

export const handler = withDeadline(
  async (event: MediaApiEvent, context: Context) => {
    logger.addContext(context);
    return handle(event, context);
  },
  { marginMs: AWS_LIMITS.deadlineMarginMs },
);
