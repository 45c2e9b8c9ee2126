import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { createAwsClient } from '@shop/common/aws';
import type { OrderEvent } from '@shop/contracts/orderEvents';
import { ensureEmailIdentity, type QueueRef } from '@shop/local-cloud';
import { uniqueName, useBackends } from '@shop/local-cloud/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Delivery, deliverFromQueue, type SqsHandler } from '../support/deliverFromQueue.js';
import { lambdaContext } from '../support/lambda.js';
import { orderCancelled, orderPlaced, withOrderId } from '../support/orderEvents.js';
import {
  createIdempotencyTable,
  createOrderEventsQueue,
  deliverUntil,
  drain,
  mailFor,
  waitFor,
} from './helpers.js';

const { backends, clients } = useBackends();
const sqs = createAwsClient(SQSClient, 'SQS', { region: backends.region });
const SENDER = 'orders@example.com';
const tableName = uniqueName('email-idempotency');
let queue: QueueRef;
let deadLetterQueue: QueueRef;
let handler: SqsHandler;

// As in the template: OrderEventsQueue and its dead-letter queue are FIFO queues.
const MAX_RECEIVE_COUNT = 2;

/** What the publisher sends for an event: group = order id, deduplication id = event id. */
const message = (event: OrderEvent) => ({
  MessageBody: JSON.stringify(event),
  MessageGroupId: event.order.orderId,
  MessageDeduplicationId: event.eventId,
});

const batchEntry = (id: string, event: OrderEvent): SendMessageBatchRequestEntry => ({
  Id: id,
  ...message(event),
});

const deliver = (options: { deleteSucceeded?: boolean } = {}) =>
  deliverFromQueue({ sqs, queue, handler, context: () => lambdaContext(), ...options });

describe('EmailFunction handler with the local backends', () => {
  beforeAll(async () => {
    await createIdempotencyTable(clients, tableName);
    await ensureEmailIdentity(clients, SENDER);
    ({ queue, deadLetterQueue } = await createOrderEventsQueue(
      clients,
      'order-events',
      MAX_RECEIVE_COUNT,
    ));
    vi.stubEnv('IDEMPOTENCY_TABLE_NAME', tableName);
    vi.stubEnv('SENDER_EMAIL', SENDER);
    vi.stubEnv('MAX_RECEIVE_COUNT', String(MAX_RECEIVE_COUNT));
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
      await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, ...message(event) }));
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
    expect(await mailFor(backends, orderId)).toHaveLength(1);
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
          batchEntry('a', withOrderId(orderPlaced(), goodIds[0] ?? '')),
          batchEntry('poison', poison),
          batchEntry('b', withOrderId(orderCancelled(), goodIds[1] ?? '')),
        ],
      }),
    );
    const deliverDead = () =>
      deliverFromQueue({
        sqs,
        queue: deadLetterQueue,
        handler: async () => ({ batchItemFailures: [] }),
        context: () => lambdaContext(),
      });

    // Act
    // Like the event source mapping: keep polling (the poison comes back after each visibility
    // timeout) until the redrive policy has moved it to the DLQ, read from there.
    const deliveries: Delivery[] = [];
    const dead = await waitFor('the poison message to reach the DLQ', async () => {
      const delivery = await deliver();
      if (delivery.received.length > 0) deliveries.push(delivery);
      const fromDlq = await deliverDead();
      return fromDlq.received.length > 0 ? [fromDlq] : undefined;
    });
    dead.push(...(await drain(deliverDead)));
    deliveries.push(...(await drain(deliver)));

    // Assess
    const failed = deliveries.flatMap((d) => d.failed);
    expect(failed).toHaveLength(MAX_RECEIVE_COUNT);
    expect(new Set(failed).size).toBe(1);
    for (const orderId of goodIds) expect(await mailFor(backends, orderId)).toHaveLength(1);
    expect(dead.flatMap((d) => d.received)).toEqual([failed[0]]);
  });
});
