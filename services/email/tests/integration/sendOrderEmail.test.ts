import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createAwsClient } from '@shop/common/aws';
import { ensureEmailIdentity, ensureQueue, ensureTable, type QueueRef } from '@shop/local-cloud';
import { uniqueName, useBackends } from '@shop/local-cloud/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deliverFromQueue, type SqsHandler } from '../support/deliverFromQueue.js';
import { lambdaContext } from '../support/lambda.js';
import { orderCancelled, orderPlaced, withOrderId } from '../support/orderEvents.js';
import { drain, mailFor, sleep, VISIBILITY_TIMEOUT_SECONDS } from './helpers.js';

const { backends, clients } = useBackends();
const sqs = createAwsClient(SQSClient, 'SQS', { region: backends.region });
const SENDER = 'orders@example.com';
const tableName = uniqueName('email-idempotency');
let queue: QueueRef;
let deadLetterQueue: QueueRef;
let handler: SqsHandler;

const deliver = (options: { deleteSucceeded?: boolean } = {}) =>
  deliverFromQueue({ sqs, queue, handler, context: () => lambdaContext(), ...options });

describe('EmailFunction handler with the local backends', () => {
  beforeAll(async () => {
    await ensureTable(
      clients,
      {
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      },
      'expiration',
    );
    await ensureEmailIdentity(clients, SENDER);
    deadLetterQueue = await ensureQueue(clients, uniqueName('order-events-dlq'));
    queue = await ensureQueue(clients, uniqueName('order-events'), {
      visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
      deadLetter: { queueArn: deadLetterQueue.arn, maxReceiveCount: 2 },
    });
    vi.stubEnv('IDEMPOTENCY_TABLE_NAME', tableName);
    vi.stubEnv('SENDER_EMAIL', SENDER);
    // The real entry point, wired from the environment like on Lambda.
    ({ handler } = await import('../../src/handlers/sendOrderEmail.js'));
  });

  afterAll(() => {
    vi.unstubAllEnvs();
    sqs.destroy();
    clients.destroy();
  });

  it('sends the emails of queued OrderPlaced and OrderCancelled events through SES', async () => {
    // Prepare
    const placedId = uniqueName('ORD');
    const cancelledId = uniqueName('ORD');
    const placed = withOrderId(orderPlaced(), placedId);
    placed.order.note = 'Ring twice <script>alert(1)</script>';
    const cancelled = withOrderId(orderCancelled(), cancelledId);
    for (const event of [placed, cancelled]) {
      await sqs.send(
        new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(event) }),
      );
    }

    // Act
    const deliveries = await drain(deliver);

    // Assess
    expect(deliveries.flatMap((d) => d.failed)).toEqual([]);
    const [placedMail] = await mailFor(backends, placedId);
    const [cancelledMail] = await mailFor(backends, cancelledId);
    expect(placedMail).toMatchObject({
      from: SENDER,
      to: ['ada@example.com'],
      subject: `Your order ${placedId} is confirmed`,
    });
    expect(cancelledMail?.subject).toBe(`Your order ${cancelledId} has been cancelled`);
    expect(placedMail?.html).toContain('Ring twice &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(placedMail?.html).not.toContain('<script>');
    expect(placedMail?.html).toContain('€33.99');
    expect(cancelledMail?.html).toContain('Your order has been cancelled');
    if (backends.mode === 'embedded') {
      // moto keeps only the HTML part of a two-part email; aws-ses-v2-local keeps both.
      expect(placedMail?.text).toContain('2 x MUG-BLUE at €12.50 each: €25.00');
      expect(placedMail?.text).toContain('Ring twice <script>alert(1)</script>');
    }
  });

  it('sends nothing new for a redelivered or duplicated message', async () => {
    // Prepare
    const orderId = uniqueName('ORD');
    const body = JSON.stringify(withOrderId(orderPlaced(), orderId));
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));
    // The first delivery sends, but its delete is lost: SQS delivers the message again.
    const first = await deliver({ deleteSucceeded: false });
    await sleep(VISIBILITY_TIMEOUT_SECONDS * 1000 + 200);

    // Act
    const redelivery = await drain(deliver);
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));
    const duplicate = await drain(deliver);

    // Assess
    expect(first.failed).toEqual([]);
    expect(redelivery.flatMap((d) => d.received)).toEqual(first.received);
    expect(Object.values(redelivery[0]?.receiveCounts ?? {})).toEqual([2]);
    expect(redelivery.flatMap((d) => d.failed)).toEqual([]);
    expect(duplicate.flatMap((d) => d.received)).toHaveLength(1);
    expect(duplicate.flatMap((d) => d.failed)).toEqual([]);
    expect(await mailFor(backends, orderId)).toHaveLength(1);
  });

  it('moves a poison message to the DLQ after maxReceiveCount while the rest of its batch is sent', async () => {
    // Prepare
    const goodIds = [uniqueName('ORD'), uniqueName('ORD')];
    const poison = JSON.stringify({ ...orderPlaced(), type: 'OrderShipped' });
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: [
          { Id: 'a', MessageBody: JSON.stringify(withOrderId(orderPlaced(), goodIds[0] ?? '')) },
          { Id: 'poison', MessageBody: poison },
          { Id: 'b', MessageBody: JSON.stringify(withOrderId(orderCancelled(), goodIds[1] ?? '')) },
        ],
      }),
    );

    // Act
    const deliveries = await drain(deliver, {
      untilEmptyFor: VISIBILITY_TIMEOUT_SECONDS * 1000 + 1500,
    });

    // Assess
    const failed = deliveries.flatMap((d) => d.failed);
    expect(failed).toHaveLength(2);
    expect(new Set(failed).size).toBe(1);
    for (const orderId of goodIds) expect(await mailFor(backends, orderId)).toHaveLength(1);
    const dead = await drain((options) =>
      deliverFromQueue({
        sqs,
        queue: deadLetterQueue,
        handler: async () => ({ batchItemFailures: [] }),
        context: () => lambdaContext(),
        ...options,
      }),
    );
    expect(dead.flatMap((d) => d.received)).toEqual([failed[0]]);
  });
});
