import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createAwsClient } from '@shop/common/aws';
import { ensureEmailIdentity } from '@shop/local-cloud';
import { uniqueName, useBackends } from '@shop/local-cloud/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SesEmailSender } from '../../src/adapters/SesEmailSender.js';
import { createEmailHandler, IDEMPOTENCY_KEY_PREFIXES } from '../../src/app/createEmailHandler.js';
import type { EmailSender } from '../../src/domain/ports.js';
import { fakeLogger, fakeMetrics } from '../support/fakes.js';
import { lambdaContext, sqsEvent, sqsRecord } from '../support/lambda.js';
import { orderPlaced, withOrderId } from '../support/orderEvents.js';
import { createIdempotencyTable, mailFor, waitFor } from './helpers.js';

// Powertools idempotency against the real DynamoDB conditional writes of each backend.

const { backends, clients } = useBackends();
const region = backends.region;
const dynamodb = createAwsClient(DynamoDBClient, 'DynamoDB', { region });
const ses = createAwsClient(SESv2Client, 'SESv2', { region });
const SENDER = 'orders@example.com';
const tableName = uniqueName('email-idempotency');

const documents = DynamoDBDocumentClient.from(dynamodb);

/** Every record of the email function's sends with the given status. */
const sendRecords = async (status: string) => {
  const { Items: items = [] } = await documents.send(new ScanCommand({ TableName: tableName }));
  return items.filter(
    (item) =>
      String(item.id).startsWith(`${IDEMPOTENCY_KEY_PREFIXES.send}#`) && item.status === status,
  );
};

const handlerWith = (sender: EmailSender) =>
  createEmailHandler({
    sender,
    createPersistenceStore: () =>
      new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamodb }),
    logger: fakeLogger(),
    metrics: fakeMetrics(),
    idempotencyExpirySeconds: 7 * 24 * 60 * 60,
    safetyMarginMs: 0,
    maxReceiveCount: 5,
  });

describe('idempotency records in DynamoDB', () => {
  const sesSender = () => new SesEmailSender({ client: ses, from: SENDER });

  beforeAll(async () => {
    await createIdempotencyTable(clients, tableName);
    await ensureEmailIdentity(clients, SENDER);
  });

  afterAll(() => {
    dynamodb.destroy();
    ses.destroy();
    clients.destroy();
  });

  it('stores a completed record under a stable key with the expiry in `expiration`', async () => {
    // Prepare
    const handler = handlerWith(sesSender());
    const event = withOrderId(orderPlaced(), uniqueName('ORD'));

    // Act
    const response = await handler(sqsEvent(sqsRecord(JSON.stringify(event))), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const { Items: records = [] } = await documents.send(new ScanCommand({ TableName: tableName }));
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record?.id).toMatch(new RegExp(`^${IDEMPOTENCY_KEY_PREFIXES.send}#`));
    expect(record?.status).toBe('COMPLETED');
    const weekFromNow = Date.now() / 1000 + 7 * 24 * 60 * 60;
    expect(record?.expiration).toBeGreaterThan(weekFromNow - 60);
    expect(record?.expiration).toBeLessThanOrEqual(weekFromNow + 1);
  });

  it('lets a retry send once a crashed attempt has used up its remaining time', async () => {
    // Prepare
    const orderId = uniqueName('ORD');
    const record = sqsRecord(JSON.stringify(withOrderId(orderPlaced(), orderId)));
    let attempts = 0;
    const hanging: EmailSender = {
      send: () => {
        attempts += 1;
        return new Promise(() => undefined); // the invocation dies inside SES
      },
    };
    const crashed = handlerWith(hanging);
    // The crashed invocation had this much time left: its record blocks retries that long.
    // Long enough that the first retry below comes in time on a busy machine.
    const crashedRemainingMs = 3_000;
    void crashed(
      sqsEvent(record),
      lambdaContext(crashedRemainingMs, () => crashedRemainingMs),
    );
    await waitFor('the crashed invocation to start sending', () =>
      attempts > 0 ? true : undefined,
    );
    const retry = handlerWith(sesSender());

    // Act
    const whileInProgress = await retry(sqsEvent(record), lambdaContext());
    // Wait for the effect, not a fixed time: the crashed attempt's INPROGRESS record carries
    // the instant (ms) its invocation would have timed out; once that has passed, DynamoDB's
    // conditional put lets a retry take the key.
    const [inProgress] = await sendRecords('INPROGRESS');
    const inProgressExpiry = Number(inProgress?.in_progress_expiration);
    expect(inProgressExpiry).toBeGreaterThan(0);
    await waitFor("the crashed attempt's remaining time to pass", () =>
      Date.now() > inProgressExpiry ? true : undefined,
    );
    const afterTimeout = await retry(sqsEvent(record), lambdaContext());

    // Assess
    expect(attempts).toBe(1);
    expect(whileInProgress.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(afterTimeout.batchItemFailures).toEqual([]);
    expect(await mailFor(backends, orderId)).toHaveLength(1);
  });

  it('records a permanent failure once per message', async () => {
    // Prepare
    const logger = fakeLogger();
    const handler = createEmailHandler({
      sender: sesSender(),
      createPersistenceStore: () =>
        new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamodb }),
      logger,
      metrics: fakeMetrics(),
      idempotencyExpirySeconds: 60,
      safetyMarginMs: 0,
      maxReceiveCount: 5,
    });
    const record = sqsRecord('{"broken":');

    // Act
    await handler(sqsEvent(record), lambdaContext());
    await handler(
      sqsEvent({ ...record, attributes: { ...record.attributes, ApproximateReceiveCount: '2' } }),
      lambdaContext(),
    );

    // Assess
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error.mock.calls[0]?.[1]).toEqual({
      messageId: record.messageId,
      receiveCount: 1,
      reason: 'malformed-json',
      deadLetterQueue: 'OrderEventsDeadLetterQueue',
      maxReceiveCount: 5,
    });
  });
});
