import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createAwsClient } from '@shop/common/aws';
import type { OrderEvent } from '@shop/contracts/orderEvents';
import { ensureEmailIdentity, type QueueRef } from '@shop/local-cloud';
import { uniqueName, useBackends, useFaults } from '@shop/local-cloud/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SesEmailSender } from '../../src/adapters/SesEmailSender.js';
import { createEmailHandler } from '../../src/app/createEmailHandler.js';
import { AWS_LIMITS, SES_SEND_RETRY } from '../../src/config.js';
import type { EmailSender, OutgoingEmail } from '../../src/domain/ports.js';
import { deliverFromQueue } from '../support/deliverFromQueue.js';
import { fakeLogger, fakeMetrics } from '../support/fakes.js';
import { lambdaContext } from '../support/lambda.js';
import { orderCancelled, orderPlaced, withOrderId } from '../support/orderEvents.js';
import {
  createIdempotencyTable,
  createOrderEventsQueue,
  deliverUntil,
  drain,
  mailFor,
} from './helpers.js';

// OrderEventsQueue.fifo end to end on a real FIFO queue of each backend: group = order id,
// deduplication id = event id, the handler wired with the real SES adapter and DynamoDB
// idempotency store. SES (through the fault proxy) refuses order A's first confirmation send.

const { backends, clients } = useBackends();
const faults = useFaults();
const region = backends.region;
const sqs = createAwsClient(SQSClient, 'SQS', { region });
// As the handler builds it: one SDK attempt per send, the adapter retries refusals.
const ses = createAwsClient(SESv2Client, 'SESv2', { region, ...AWS_LIMITS.ses });
const dynamodb = createAwsClient(DynamoDBClient, 'DynamoDB', { region });
const SENDER = 'orders@example.com';
const tableName = uniqueName('email-idempotency');
let queue: QueueRef;

/** The real SES adapter, recording the subject of every send it is asked for (in order). */
const recording = (inner: EmailSender) => {
  const attempts: string[] = [];
  const sender: EmailSender = {
    send: async (email: OutgoingEmail) => {
      attempts.push(email.subject);
      return inner.send(email);
    },
  };
  return { sender, attempts };
};

const entry = (event: OrderEvent, id: string) => ({
  Id: id,
  MessageBody: JSON.stringify(event),
  MessageGroupId: event.order.orderId,
  MessageDeduplicationId: event.eventId,
});

describe('EmailFunction on a FIFO queue with the local backends', () => {
  beforeAll(async () => {
    await createIdempotencyTable(clients, tableName);
    await ensureEmailIdentity(clients, SENDER);
    ({ queue } = await createOrderEventsQueue(clients, 'order-events', 5));
  });

  afterEach(() => faults.clear());

  afterAll(() => {
    sqs.destroy();
    ses.destroy();
    dynamodb.destroy();
    clients.destroy();
  });

  it('sends a confirmation before its cancellation, once each, when the first send fails', async () => {
    // Prepare
    const orderA = uniqueName('ORDA');
    const orderB = uniqueName('ORDB');
    const placedA = withOrderId(orderPlaced(), orderA);
    const cancelledA = withOrderId(orderCancelled(), orderA);
    const placedB = withOrderId(orderPlaced(), orderB);
    const confirmationA = `Your order ${orderA} is confirmed`;
    const cancellationA = `Your order ${orderA} has been cancelled`;
    const { sender, attempts } = recording(
      new SesEmailSender({ client: ses, from: SENDER, retry: SES_SEND_RETRY }),
    );
    // SES refuses every attempt of A's first confirmation send (the adapter's retries included).
    const refusal = await faults.add({
      service: 'ses',
      operation: 'SendEmail',
      body: confirmationA,
      error: { status: 503, code: 'ServiceUnavailable' },
      times: SES_SEND_RETRY.attempts,
    });
    const handler = createEmailHandler({
      sender,
      createPersistenceStore: () =>
        new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamodb }),
      logger: fakeLogger(),
      metrics: fakeMetrics(),
      idempotencyExpirySeconds: 60 * 60,
      safetyMarginMs: 0,
      maxReceiveCount: 5,
    });
    const groups: (string | undefined)[] = [];
    const deliver = () =>
      deliverFromQueue({
        sqs,
        queue,
        handler: (event, context) => {
          groups.push(...event.Records.map((record) => record.attributes.MessageGroupId));
          return handler(event, context);
        },
        context: () => lambdaContext(),
        region,
        releaseFailed: true,
      });
    const sent = await sqs.send(
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
    await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: [entry(cancelledA, 'again')] }),
    );
    const messageId = (id: string) => sent.Successful?.find((s) => s.Id === id)?.MessageId;

    // Act
    const deliveries = await deliverUntil(
      deliver,
      async () => (await mailFor(backends, orderA)).length >= 2,
      { what: "order A's two emails" },
    );
    const rest = await drain(deliver);

    // Assess
    expect(sent.Failed ?? []).toEqual([]);
    expect(await faults.applied(refusal)).toBe(SES_SEND_RETRY.attempts);
    const mailA = await mailFor(backends, orderA);
    expect(mailA.map((mail) => mail.subject)).toEqual([confirmationA, cancellationA]);
    expect((await mailFor(backends, orderB)).map((mail) => mail.subject)).toEqual([
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
