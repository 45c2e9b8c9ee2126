import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { captureOutput } from '@shop/testing/capturedOutput';
import { lambdaContext } from '@shop/testing/lambda';
import { sqsEvent } from '@shop/testing/sqsEvents';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { METRICS } from '../../src/domain/constants.js';
import { orderEventRecord, orderPlaced, withOrderId } from '../support/orderEvents.js';

// src/handlers/sendOrderEmail.ts as Lambda loads it (environment, clients, lambdaHandler), with
// SES and DynamoDB answered by aws-sdk-client-mock: what the wiring adds to the app handler.

const ses = mockClient(SESv2Client);
const dynamodb = mockClient(DynamoDBClient);
let handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

describe('EmailFunction handler module', () => {
  beforeAll(async () => {
    vi.stubEnv('IDEMPOTENCY_TABLE_NAME', 'shop-EmailIdempotencyTable');
    vi.stubEnv('SENDER_EMAIL', 'orders@example.com');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    dynamodb.on(PutItemCommand).resolves({});
    dynamodb.on(UpdateItemCommand).resolves({});
    ({ handler } = await import('../../src/handlers/sendOrderEmail.js'));
  });

  afterAll(() => {
    vi.unstubAllEnvs();
    ses.restore();
    dynamodb.restore();
  });

  it('logs every record with the correlation id and its own ids, and flushes the metrics', async () => {
    // Prepare
    const events = [
      withOrderId(orderPlaced(), '01JDA00000000000000000000A'),
      withOrderId(orderPlaced(), '01JDB00000000000000000000B'),
    ];
    const records = events.map((event) => orderEventRecord(JSON.stringify(event)));
    const context = lambdaContext({ functionName: 'shop-EmailFunction' });
    const output = captureOutput();

    // Act
    const response = await handler(sqsEvent(...records), context);
    output.restore();

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 2);
    const logs = output.logs();
    const sent = logs.filter((line) => line.message === 'order email sent');
    expect(sent).toEqual(
      events.map((event, index) =>
        expect.objectContaining({
          correlation_id: records[0]?.messageId,
          function_request_id: context.awsRequestId,
          cold_start: true,
          messageId: records[index]?.messageId,
          eventId: event.eventId,
        }),
      ),
    );
    const batch = logs.find((line) => line.message === 'batch processed');
    expect(batch).toMatchObject({ records: 2, failures: 0 });
    expect(batch).not.toHaveProperty('messageId');
    const emf = output.metrics();
    expect(emf).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ColdStart: 1 }),
        expect.objectContaining({ [METRICS.sent]: [1, 1], service: 'email' }),
      ]),
    );
  });
});
