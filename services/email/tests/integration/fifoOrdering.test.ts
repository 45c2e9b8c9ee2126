import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { QueueRef } from '@shop/local-cloud';
import { uniqueName, useFaults } from '@shop/local-cloud/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SES_SEND_RETRY } from '../../src/config.js';
import type { EmailSender, OutgoingEmail } from '../../src/domain/ports.js';
import { deliverUntil, drain } from '../support/deliverFromQueue.js';
import { orderEventEntry as entry, useEmailBackends } from '../support/emailBackends.js';
import { orderCancelled, orderPlaced, withOrderId } from '../support/orderEvents.js';

// OrderEventsQueue.fifo end to end on a real FIFO queue of each backend: group = order id,
// deduplication id = event id, the handler wired with the real SES adapter and DynamoDB
// idempotency store. SES (through the fault proxy) refuses order A's first confirmation send.

const email = useEmailBackends();
const faults = useFaults();
let queue: QueueRef;

/** The real SES adapter, recording the subject of every send it is asked for (in order). */
const recording = (inner: EmailSender) => {
  const attempts: string[] = [];
  const sender: EmailSender = {
    send: async (outgoing: OutgoingEmail) => {
      attempts.push(outgoing.subject);
      return inner.send(outgoing);
    },
  };
  return { sender, attempts };
};

describe('EmailFunction on a FIFO queue with the local backends', () => {
  beforeAll(async () => {
    ({ queue } = await email.createOrderEventsQueue('order-events', 5));
  });

  afterEach(() => faults.clear());

  it('sends a confirmation before its cancellation, once each, when the first send fails', async () => {
    // Prepare
    const orderA = uniqueName('ORDA');
    const orderB = uniqueName('ORDB');
    const placedA = withOrderId(orderPlaced(), orderA);
    const cancelledA = withOrderId(orderCancelled(), orderA);
    const placedB = withOrderId(orderPlaced(), orderB);
    const confirmationA = `Your order ${orderA} is confirmed`;
    const cancellationA = `Your order ${orderA} has been cancelled`;
    const { sender, attempts } = recording(email.sesSender());
    // SES refuses every attempt of A's first confirmation send (the adapter's retries included).
    const refusal = await faults.add({
      service: 'ses',
      operation: 'SendEmail',
      body: confirmationA,
      error: { status: 503, code: 'ServiceUnavailable' },
      times: SES_SEND_RETRY.attempts,
    });
    const { handler } = email.emailFunction({
      sender,
      config: { remainingTimeSafetyMarginMs: 0, maxReceiveCount: 5 },
    });
    const groups: (string | undefined)[] = [];
    const deliver = email.deliverer(
      queue,
      (event, context) => {
        groups.push(...event.Records.map((record) => record.attributes.MessageGroupId));
        return handler(event, context);
      },
      { releaseFailed: true },
    );
    const sent = await email.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: [
          entry(placedA, 'placedA'),
          entry(cancelledA, 'cancelledA'),
          entry(placedB, 'placedB'),
        ],
      }),
    );
    // The publisher may send an event twice (stream retries): FIFO drops the duplicate.
    await email.sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: [entry(cancelledA, 'again')] }),
    );
    const messageId = (id: string) => sent.Successful?.find((s) => s.Id === id)?.MessageId;

    // Act
    const deliveries = await deliverUntil(
      deliver,
      async () => (await email.mailFor(orderA)).length >= 2,
      { what: "order A's two emails" },
    );
    const rest = await drain(deliver);

    // Assess
    expect(sent.Failed ?? []).toEqual([]);
    expect(await faults.applied(refusal)).toBe(SES_SEND_RETRY.attempts);
    const mailA = await email.mailFor(orderA);
    expect(mailA.map((mail) => mail.subject)).toEqual([confirmationA, cancellationA]);
    expect((await email.mailFor(orderB)).map((mail) => mail.subject)).toEqual([
      `Your order ${orderB} is confirmed`,
    ]);
    expect(rest.flatMap((d) => d.received)).toEqual([]);
    expect(new Set(groups)).toEqual(new Set([orderA, orderB]));
    // Attempts in order: A's cancellation was never tried before A's confirmation went out.
    expect(attempts.filter((subject) => subject.includes(orderA))).toEqual([
      confirmationA,
      confirmationA,
      cancellationA,
    ]);
    // Whenever A's confirmation failed, A's cancellation in the same batch failed with it.
    for (const delivery of deliveries) {
      if (delivery.failed.includes(messageId('placedA') ?? '')) {
        const cancelReceived = delivery.received.includes(messageId('cancelledA') ?? '');
        expect(delivery.failed.includes(messageId('cancelledA') ?? '')).toBe(cancelReceived);
      }
    }
    expect(deliveries.flatMap((d) => d.failed)).not.toContain(messageId('placedB'));
  });
});
