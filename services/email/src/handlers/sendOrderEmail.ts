import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createAwsClient, withDeadline } from '@shop/common/aws';
import { createLogger } from '@shop/common/logger';
import { SesEmailSender } from '../adapters/SesEmailSender.js';
import { createEmailHandler } from '../app/createEmailHandler.js';
import { AWS_LIMITS, loadEmailConfig, SES_SEND_RETRY } from '../config.js';

// Config, clients and wiring at module scope: built once per cold start, reused by warm
// invocations. AWS_LIMITS keeps one record's worst case inside the safety margin.
const config = loadEmailConfig();
const dynamodb = createAwsClient(DynamoDBClient, 'DynamoDB', AWS_LIMITS.dynamodb);
const ses = createAwsClient(SESv2Client, 'SESv2', AWS_LIMITS.ses);

/** EmailFunction: OrderEventsQueue -> order confirmation / cancellation emails through SES. */
export const handler = withDeadline(
  createEmailHandler({
    sender: new SesEmailSender({
      client: ses,
      from: config.SENDER_EMAIL,
      configurationSetName: config.SES_CONFIGURATION_SET,
      retry: SES_SEND_RETRY,
    }),
    createPersistenceStore: () =>
      new DynamoDBPersistenceLayer({
        tableName: config.IDEMPOTENCY_TABLE_NAME,
        awsSdkV3Client: dynamodb,
      }),
    logger: createLogger('email'),
    metrics: new Metrics({ namespace: 'Shop', serviceName: 'email' }),
    idempotencyExpirySeconds: config.IDEMPOTENCY_EXPIRY_SECONDS,
    safetyMarginMs: config.REMAINING_TIME_SAFETY_MARGIN_MS,
    maxReceiveCount: config.MAX_RECEIVE_COUNT,
  }),
  { marginMs: AWS_LIMITS.deadlineMarginMs },
);
