import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { OrderEvent } from '@shop/contracts/orderEvents';
import type { QueueRef } from '@shop/local-cloud';
import { uniqueName } from '@shop/local-cloud/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  deliverUntil,
  deliverUntilDeadLettered,
  drain,
  type SqsHandler,
} from '../support/deliverFromQueue.js';
import {
  orderEventEntry as batchEntry,
  orderEventMessage as message,
  SENDER,
  useEmailBackends,
} from '../support/emailBackends.js';
import { orderCancelled, orderPlaced, withOrderId } from '../support/orderEvents.js';

const email = useEmailBackends();
const { sqs } = email;
let queue: QueueRef;
let deadLetterQueue: QueueRef;
let handler: SqsHandler;

// As in the template: OrderEventsQueue and its dead-letter queue are FIFO queues.
const MAX_RECEIVE_COUNT = 2;

const deliver = (options: { deleteSucceeded?: boolean } = {}) =>
  email.deliverer(queue, handler)(options);

describe('EmailFunction handler with the local backends', () => {
  beforeAll(async () => {
    ({ queue, deadLetterQueue } = await email.createOrderEventsQueue(
      'order-events',
      MAX_RECEIVE_COUNT,
    ));
    vi.stubEnv('IDEMPOTENCY_TABLE_NAME', email.tableName);
    vi.stubEnv('SENDER_EMAIL', SENDER);
    vi.stubEnv('MAX_RECEIVE_COUNT', String(MAX_RECEIVE_COUNT));
    // The real entry point, wired from the environment like on Lambda.
    ({ handler } = await import('../../src/handlers/sendOrderEmail.js'));
  });

  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('sends the emails of queued OrderPlaced and OrderCancelled events through SES', async () => {
    // Prepare
    const placedId = uniqueName('ORD');
    const cancelledId = uniqueName('ORD');
    const placed = withOrderId(orderPlaced(), placedId);
    placed.order.note = 'Ring twice <script>alert(1)</script>';
    const cancelled = withOrderId(orderCancelled(), cancelledId);
    for (const event of [placed, cancelled]) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, ...message(event) }));
    }

    // Act
    const deliveries = await drain(deliver);

    // Assess
    expect(deliveries.flatMap((d) => d.failed)).toEqual([]);
    const [placedMail] = await email.mailFor(placedId);
    const [cancelledMail] = await email.mailFor(cancelledId);
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
    if (email.backends.mode === 'embedded') {
      // moto keeps only the HTML part of a two-part email; aws-ses-v2-local keeps both.
      expect(placedMail?.text).toContain('2 x MUG-BLUE at €12.50 each: €25.00');
      expect(placedMail?.text).toContain('Ring twice <script>alert(1)</script>');
    }
  });

  it('sends nothing new for a redelivered or duplicated message', async () => {
    // Prepare
    const orderId = uniqueName('ORD');
    const event = withOrderId(orderPlaced(), orderId);
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, ...message(event) }));
    // The first delivery sends, but its delete is lost: SQS delivers the message again once
    // its visibility timeout has passed.
    const first = await deliver({ deleteSucceeded: false });

    // Act
    const redelivery = await deliverUntil(deliver, (deliveries) => deliveries.length > 0, {
      what: 'the undeleted message to come back after its visibility timeout',
    });
    redelivery.push(...(await drain(deliver)));
    // The same event sent again later: within 5 minutes the FIFO queue would drop it (same
    // deduplication id), after that it is delivered, so send it as the queue would then.
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        ...message(event),
        MessageDeduplicationId: `${event.eventId}-after-dedup-window`,
      }),
    );
    const duplicate = await drain(deliver);

    // Assess
    expect(first.failed).toEqual([]);
    expect(redelivery.flatMap((d) => d.received)).toEqual(first.received);
    expect(Object.values(redelivery[0]?.receiveCounts ?? {})).toEqual([2]);
    expect(redelivery.flatMap((d) => d.failed)).toEqual([]);
    expect(duplicate.flatMap((d) => d.received)).toHaveLength(1);
    expect(duplicate.flatMap((d) => d.failed)).toEqual([]);
    expect(await email.mailFor(orderId)).toHaveLength(1);
  });

  it('moves a poison message to the DLQ after maxReceiveCount while the rest of its batch is sent', async () => {
    // Prepare
    const goodIds = [uniqueName('ORD'), uniqueName('ORD')];
    const poison = {
      ...withOrderId(orderPlaced(), uniqueName('ORD')),
      type: 'OrderShipped',
    } as unknown as OrderEvent;
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: [
          batchEntry(withOrderId(orderPlaced(), goodIds[0] ?? ''), 'a'),
          batchEntry(poison, 'poison'),
          batchEntry(withOrderId(orderCancelled(), goodIds[1] ?? ''), 'b'),
        ],
      }),
    );
    const deliverDead = email.deliverer(deadLetterQueue, async () => ({ batchItemFailures: [] }));

    // Act
    // Like the event source mapping: keep polling (the poison comes back after each visibility
    // timeout) until the redrive policy has moved it to the DLQ, read from there.
    const { deliveries, dead } = await deliverUntilDeadLettered(
      deliver,
      deliverDead,
      'the poison message to reach the DLQ',
    );

    // Assess
    const failed = deliveries.flatMap((d) => d.failed);
    expect(failed).toHaveLength(MAX_RECEIVE_COUNT);
    expect(new Set(failed).size).toBe(1);
    for (const orderId of goodIds) expect(await email.mailFor(orderId)).toHaveLength(1);
    expect(dead.flatMap((d) => d.received)).toEqual([failed[0]]);
  });
});
