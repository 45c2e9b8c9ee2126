import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createAwsClient } from '@shop/common/aws';
import { CORRELATION_IDS, lambdaHandler } from '@shop/common/lambda';
import { createLogger } from '@shop/common/logger';
import { dynamoDBIdempotencyStores } from '../adapters/dynamoDBIdempotencyStores.js';
import { SesEmailSender } from '../adapters/SesEmailSender.js';
import { createEmailHandler } from '../app/createEmailHandler.js';
import { AWS_LIMITS, loadEmailConfig, SES_SEND_RETRY } from '../config.js';
import { SERVICE } from '../domain/constants.js';

const config = loadEmailConfig();
const dynamodb = createAwsClient(DynamoDBClient, 'DynamoDB', AWS_LIMITS.dynamodb);
const ses = createAwsClient(SESv2Client, 'SESv2', AWS_LIMITS.ses);
const logger = createLogger(SERVICE.name);
const metrics = new Metrics({ namespace: SERVICE.metricsNamespace, serviceName: SERVICE.name });
const { senderEmail: from, sesConfigurationSet: configurationSetName } = config;
const { deadlineMarginMs } = AWS_LIMITS;

/** EmailFunction: OrderEventsQueue -> order confirmation / cancellation emails through SES. */
export const handler = lambdaHandler(
  createEmailHandler({
    sender: new SesEmailSender({ client: ses, from, configurationSetName, retry: SES_SEND_RETRY }),
    createPersistenceStore: dynamoDBIdempotencyStores(config.idempotencyTableName, dynamodb),
    logger,
    metrics,
    config,
  }),
  { logger, metrics, correlationId: CORRELATION_IDS.sqs, deadlineMarginMs },
);
