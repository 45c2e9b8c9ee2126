import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import { eventually, uniqueName } from '@shop/local-cloud/testing';
import { lambdaContext } from '@shop/testing/lambda';
import { receivedAgain, sqsEvent } from '@shop/testing/sqsEvents';
import { describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_PREFIXES } from '../../src/app/createEmailHandler.js';
import type { EmailSender } from '../../src/domain/ports.js';
import { useEmailBackends } from '../support/emailBackends.js';
import { orderEventRecord, orderPlaced, withOrderId } from '../support/orderEvents.js';

// Powertools idempotency against the real DynamoDB conditional writes of each backend.

const email = useEmailBackends();

/** Every idempotency record in the table, its attributes as plain strings and numbers. */
const idempotencyRecords = async () => {
  const { Items: items = [] } = await email.dynamodb.send(
    new ScanCommand({ TableName: email.tableName }),
  );
  return items.map((item: Record<string, AttributeValue>) =>
    Object.fromEntries(
      Object.entries(item).map(([name, value]) => [
        name,
        value.N === undefined ? value.S : Number(value.N),
      ]),
    ),
  );
};

/** Every record of the email function's sends with the given status. */
const sendRecords = async (status: string) => {
  const items = await idempotencyRecords();
  return items.filter(
    (item) =>
      String(item.id).startsWith(`${IDEMPOTENCY_KEY_PREFIXES.send}#`) && item.status === status,
  );
};

const handlerWith = (sender: EmailSender, idempotencyExpirySeconds = 7 * 24 * 60 * 60) =>
  email.emailFunction({
    sender,
    config: { idempotencyExpirySeconds, remainingTimeSafetyMarginMs: 0, maxReceiveCount: 5 },
  });

describe('idempotency records in DynamoDB', () => {
  const sesSender = () => email.sesSender();

  it('stores a completed record under a stable key with the expiry in `expiration`', async () => {
    // Prepare
    const { handler } = handlerWith(sesSender());
    const event = withOrderId(orderPlaced(), uniqueName('ORD'));

    // Act
    const response = await handler(
      sqsEvent(orderEventRecord(JSON.stringify(event))),
      lambdaContext(),
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const records = await idempotencyRecords();
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
    const record = orderEventRecord(JSON.stringify(withOrderId(orderPlaced(), orderId)));
    let attempts = 0;
    const hanging: EmailSender = {
      send: () => {
        attempts += 1;
        return new Promise(() => undefined); // the invocation dies inside SES
      },
    };
    const { handler: crashed } = handlerWith(hanging);
    // The crashed invocation had this much time left: its record blocks retries that long.
    // Long enough that the first retry below comes in time on a busy machine.
    const crashedRemainingMs = 3_000;
    void crashed(
      sqsEvent(record),
      lambdaContext({ timeoutMs: crashedRemainingMs, remaining: () => crashedRemainingMs }),
    );
    await eventually(
      async () => (attempts > 0 ? true : undefined),
      'the crashed invocation to start sending',
    );
    const { handler: retry } = handlerWith(sesSender());

    // Act
    const whileInProgress = await retry(sqsEvent(record), lambdaContext());
    // Wait for the effect, not a fixed time: the crashed attempt's INPROGRESS record carries
    // the instant (ms) its invocation would have timed out; once that has passed, DynamoDB's
    // conditional put lets a retry take the key.
    const [inProgress] = await sendRecords('INPROGRESS');
    const inProgressExpiry = Number(inProgress?.in_progress_expiration);
    expect(inProgressExpiry).toBeGreaterThan(0);
    await eventually(
      async () => (Date.now() > inProgressExpiry ? true : undefined),
      "the crashed attempt's remaining time to pass",
    );
    const afterTimeout = await retry(sqsEvent(record), lambdaContext());

    // Assess
    expect(attempts).toBe(1);
    expect(whileInProgress.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(afterTimeout.batchItemFailures).toEqual([]);
    expect(await email.mailFor(orderId)).toHaveLength(1);
  });

  it('records a permanent failure once per message', async () => {
    // Prepare
    const { handler, logger } = handlerWith(sesSender(), 60);
    const record = orderEventRecord('{"broken":');

    // Act
    await handler(sqsEvent(record), lambdaContext());
    await handler(sqsEvent(receivedAgain(record)), lambdaContext());

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
