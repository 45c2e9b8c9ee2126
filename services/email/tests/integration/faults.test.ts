import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createAwsClient, withDeadline } from '@shop/common/aws';
import type { OrderEvent } from '@shop/contracts/orderEvents';
import { ensureEmailIdentity, type QueueRef } from '@shop/local-cloud';
import { uniqueName, useBackends, useFaults } from '@shop/local-cloud/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SesEmailSender } from '../../src/adapters/SesEmailSender.js';
import { createEmailHandler } from '../../src/app/createEmailHandler.js';
import { AWS_LIMITS, SES_SEND_RETRY } from '../../src/config.js';
import type { EmailSender } from '../../src/domain/ports.js';
import { type Delivery, deliverFromQueue, type SqsHandler } from '../support/deliverFromQueue.js';
import { fakeLogger, fakeMetrics } from '../support/fakes.js';
import { lambdaContext } from '../support/lambda.js';
import { orderPlaced, withOrderId } from '../support/orderEvents.js';
import {
  createIdempotencyTable,
  createOrderEventsQueue,
  deliverUntil,
  drain,
  mailFor,
  waitFor,
} from './helpers.js';

// The README's delivery guarantee, sentence by sentence, with the fault proxy in front of each
// backend (embedded, or moto through AWS_ENDPOINT_URL). The handler is wired as
// src/handlers/sendOrderEmail.ts wires it (AWS_LIMITS, SES_SEND_RETRY, withDeadline), with a
// fake logger to assert on. Every test counts, per order: sent (SES store), duplicates
// (sent - 1) and lost (not sent and not in the DLQ).

const { backends, clients } = useBackends();
const faults = useFaults();
const region = backends.region;
const sqs = createAwsClient(SQSClient, 'SQS', { region });
const dynamodb = createAwsClient(DynamoDBClient, 'DynamoDB', { region, ...AWS_LIMITS.dynamodb });
const ses = createAwsClient(SESv2Client, 'SESv2', { region, ...AWS_LIMITS.ses });
const SENDER = 'orders@example.com';
const tableName = uniqueName('email-faults-idempotency');
/** Roomy, so waits for in-progress records never push a message into the DLQ. */
const MAX_RECEIVE_COUNT = 10;
let queue: QueueRef;

const productionHandler = (
  options: { sender?: EmailSender; safetyMarginMs?: number; maxReceiveCount?: number } = {},
) => {
  const logger = fakeLogger();
  const handler = withDeadline(
    createEmailHandler({
      sender:
        options.sender ?? new SesEmailSender({ client: ses, from: SENDER, retry: SES_SEND_RETRY }),
      createPersistenceStore: () =>
        new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamodb }),
      logger,
      metrics: fakeMetrics(),
      idempotencyExpirySeconds: 60 * 60,
      safetyMarginMs: options.safetyMarginMs ?? 10_000,
      maxReceiveCount: options.maxReceiveCount ?? MAX_RECEIVE_COUNT,
    }),
    { marginMs: AWS_LIMITS.deadlineMarginMs },
  );
  return { handler, logger };
};

const send = async (target: QueueRef, events: OrderEvent[]) => {
  for (let i = 0; i < events.length; i += 10) {
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: target.url,
        Entries: events.slice(i, i + 10).map((event, index) => ({
          Id: String(index),
          MessageBody: JSON.stringify(event),
          MessageGroupId: event.order.orderId,
          MessageDeduplicationId: event.eventId,
        })),
      }),
    );
    expect(result.Failed ?? []).toEqual([]);
  }
};

const deliverer =
  (handler: SqsHandler, options: { timeoutMs?: number; target?: QueueRef } = {}) =>
  () =>
    deliverFromQueue({
      sqs,
      queue: options.target ?? queue,
      handler,
      context: () => lambdaContext(options.timeoutMs),
      region,
    });

/** Sent, duplicated and lost emails of these orders (the confirmation subject carries the id). */
const count = async (orderIds: string[], deadLettered: string[] = []) => {
  const emails = await backends.sentEmails();
  const per = orderIds.map((id) => emails.filter((email) => email.subject.includes(id)).length);
  return {
    sent: per.reduce((a, b) => a + b, 0),
    duplicates: per.reduce((a, b) => a + Math.max(0, b - 1), 0),
    lost: orderIds.filter((id, i) => per[i] === 0 && !deadLettered.includes(id)).length,
  };
};

const newOrder = () => withOrderId(orderPlaced(), uniqueName('ORD'));

describe('EmailFunction under faults', () => {
  beforeAll(async () => {
    await createIdempotencyTable(clients, tableName);
    await ensureEmailIdentity(clients, SENDER);
    ({ queue } = await createOrderEventsQueue(clients, 'faults', MAX_RECEIVE_COUNT));
  });

  afterEach(() => faults.clear());

  afterAll(() => {
    sqs.destroy();
    ses.destroy();
    dynamodb.destroy();
    clients.destroy();
  });

  it('sends 50 orders exactly once when SES refuses each send twice (503)', async () => {
    // Prepare
    const events = Array.from({ length: 50 }, newOrder);
    const rule = await faults.add({
      service: 'ses',
      operation: 'SendEmail',
      body: { regex: events.map((e) => e.order.orderId).join('|') },
      per: 'body',
      error: { status: 503, code: 'ServiceUnavailable' },
      times: 2,
    });
    const { handler, logger } = productionHandler();
    await send(queue, events);

    // Act: the adapter retries refusals inside the invocation.
    const deliveries = await drain(deliverer(handler), { timeoutMs: 50_000 });

    // Assess
    expect(await faults.applied(rule)).toBe(100);
    expect(deliveries.flatMap((d) => d.failed)).toEqual([]);
    expect(await count(events.map((e) => e.order.orderId))).toEqual({
      sent: 50,
      duplicates: 0,
      lost: 0,
    });
    expect(logger.error).not.toHaveBeenCalled();
  }, 60_000);

  it('sends once when SES throttles (400 Throttling) and then accepts', async () => {
    // Prepare
    const event = newOrder();
    const rule = await faults.add({
      service: 'ses',
      operation: 'SendEmail',
      body: event.order.orderId,
      error: { status: 400, code: 'Throttling' },
      times: SES_SEND_RETRY.attempts + 1,
    });
    const { handler, logger } = productionHandler();
    await send(queue, [event]);

    // Act: the first receive uses up its attempts; the second sends.
    const deliveries = await deliverUntil(
      deliverer(handler),
      async () => (await mailFor(backends, event.order.orderId)).length > 0,
      { what: 'the throttled email' },
    );

    // Assess
    expect(await faults.applied(rule)).toBe(SES_SEND_RETRY.attempts + 1);
    expect(deliveries.flatMap((d) => d.failed)).toHaveLength(1);
    expect(await count([event.order.orderId])).toEqual({ sent: 1, duplicates: 0, lost: 0 });
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('sends once when SES is slower than usual but inside the per-attempt timeout', async () => {
    // Prepare
    const event = newOrder();
    const rule = await faults.add({
      service: 'ses',
      operation: 'SendEmail',
      body: event.order.orderId,
      delayMs: AWS_LIMITS.ses.requestTimeoutMs / 4,
    });
    const { handler } = productionHandler();
    await send(queue, [event]);

    // Act
    const deliveries = await drain(deliverer(handler));

    // Assess
    expect(await faults.applied(rule)).toBe(1);
    expect(deliveries.flatMap((d) => d.failed)).toEqual([]);
    expect(await count([event.order.orderId])).toEqual({ sent: 1, duplicates: 0, lost: 0 });
  });

  it('gives a record back before the deadline when SES stalls past the per-attempt timeout', async () => {
    // Prepare: a request delayed past the caller's timeout is never forwarded.
    const event = newOrder();
    const rule = await faults.add({
      service: 'ses',
      operation: 'SendEmail',
      body: event.order.orderId,
      delayMs: 4 * AWS_LIMITS.ses.requestTimeoutMs,
      times: 1,
    });
    const { handler } = productionHandler();
    const durations: number[] = [];
    const timed: SqsHandler = async (e, context) => {
      const started = Date.now();
      try {
        return await handler(e, context);
      } finally {
        durations.push(Date.now() - started);
      }
    };
    await send(queue, [event]);

    // Act
    const deliveries = await deliverUntil(
      deliverer(timed),
      async () => (await mailFor(backends, event.order.orderId)).length > 0,
      { what: 'the email after the stalled attempt' },
    );

    // Assess: one attempt only (its outcome is unknown), ended by the per-attempt timeout.
    expect(await faults.matched(rule)).toBe(2);
    expect(deliveries.flatMap((d) => d.failed)).toHaveLength(1);
    expect(durations[0]).toBeLessThan(AWS_LIMITS.ses.requestTimeoutMs + 2_000);
    expect(await count([event.order.orderId])).toEqual({ sent: 1, duplicates: 0, lost: 0 });
  });

  it('returns before the invocation deadline when SES stalls longer than the time left', async () => {
    // Prepare: 3 s left, so the deadline (1.5 s) comes before the per-attempt timeout (2 s).
    const event = newOrder();
    await faults.add({
      service: 'ses',
      operation: 'SendEmail',
      body: event.order.orderId,
      delayMs: 20_000,
      times: 1,
    });
    const { handler } = productionHandler({ safetyMarginMs: 0 });
    const timeoutMs = 3_000;
    const durations: number[] = [];
    const timed: SqsHandler = async (e, context) => {
      const started = Date.now();
      try {
        return await handler(e, context);
      } finally {
        durations.push(Date.now() - started);
      }
    };
    await send(queue, [event]);

    // Act
    const first = await deliverUntil(deliverer(timed, { timeoutMs }), (d) => d.length > 0, {
      what: 'the first receive',
    });
    // The aborted attempt's in-progress record may outlive the invocation (its delete was cut
    // off by the deadline too): wait for the retry to go through.
    await deliverUntil(
      deliverer(handler),
      async () => (await mailFor(backends, event.order.orderId)).length > 0,
      { what: 'the email after the deadline' },
    );

    // Assess
    expect(first.flatMap((d) => d.failed)).toHaveLength(1);
    expect(durations[0]).toBeLessThan(timeoutMs);
    expect(await count([event.order.orderId])).toEqual({ sent: 1, duplicates: 0, lost: 0 });
  });

  it('sends at most one extra copy per receive when SES accepts and the answer is lost', async () => {
    // Prepare: SES takes the email, the answer comes after the per-attempt timeout.
    const event = newOrder();
    const rule = await faults.add({
      service: 'ses',
      operation: 'SendEmail',
      body: event.order.orderId,
      holdResponseMs: 2 * AWS_LIMITS.ses.requestTimeoutMs,
      times: 1,
    });
    const { handler } = productionHandler();
    await send(queue, [event]);

    // Act
    const first = await deliverUntil(deliverer(handler), (d) => d.length > 0, {
      what: 'the first receive',
    });
    const afterFirst = await count([event.order.orderId]);
    const rest = await deliverUntil(
      deliverer(handler),
      async (d) => d.some((delivery) => delivery.failed.length === 0),
      { what: 'the redelivery' },
    );
    rest.push(...(await drain(deliverer(handler))));

    // Assess: no retry inside the invocation (one request), one more on the redelivery.
    expect(first.flatMap((d) => d.failed)).toHaveLength(1);
    expect(afterFirst.sent).toBe(1);
    expect(await faults.matched(rule)).toBe(2);
    const receives = first.length + rest.length;
    const counts = await count([event.order.orderId]);
    expect(counts).toEqual({ sent: 2, duplicates: 1, lost: 0 });
    expect(counts.sent).toBeLessThanOrEqual(receives);
  });

  it('sends once when the completion write fails after SES accepted', async () => {
    // Prepare: every completion write (UpdateItem) of this table fails.
    const event = newOrder();
    const rule = await faults.add({
      service: 'dynamodb',
      operation: 'UpdateItem',
      body: tableName,
      error: { status: 500, code: 'InternalServerError' },
    });
    const { handler, logger } = productionHandler();
    await send(queue, [event]);

    // Act
    const deliveries = await drain(deliverer(handler));
    const applied = await faults.applied(rule);
    await faults.remove(rule);
    // A redelivery after the message was deleted would find the queue empty.
    const later = await drain(deliverer(handler));

    // Assess: the SDK's 2 attempts, then the handler's second completion write (2 more).
    expect(applied).toBe(2 * AWS_LIMITS.dynamodb.maxAttempts);
    expect(deliveries.flatMap((d) => d.failed)).toEqual([]);
    expect(later).toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith(
      'order email sent, but its completion record could not be written',
      expect.objectContaining({ eventId: event.eventId }),
    );
    expect(await count([event.order.orderId])).toEqual({ sent: 1, duplicates: 0, lost: 0 });
  });

  it('sends a second copy when the invocation dies between SES accepting and the completion write', async () => {
    // Prepare: the crashed invocation's SES call succeeds, then the process "dies" (never
    // answers); its INPROGRESS record blocks retries for the 2 s it had left.
    const event = newOrder();
    const ses1 = new SesEmailSender({ client: ses, from: SENDER, retry: SES_SEND_RETRY });
    let accepted: () => void = () => undefined;
    const sesAccepted = new Promise<void>((resolve) => {
      accepted = resolve;
    });
    const dying: EmailSender = {
      send: async (email) => {
        await ses1.send(email);
        accepted();
        return new Promise(() => undefined);
      },
    };
    const crashed = productionHandler({ sender: dying, safetyMarginMs: 0 });
    const crash: SqsHandler = (e, context) =>
      Promise.race([
        crashed.handler(e, context),
        sesAccepted.then(() => Promise.reject(new Error('Runtime.ExitError'))),
      ]);
    const { handler } = productionHandler();
    await send(queue, [event]);

    // Act
    await deliverUntil(deliverer(crash, { timeoutMs: 2_000 }), (d) => d.length > 0, {
      what: 'the crashing receive',
    });
    const deliveries = await deliverUntil(
      deliverer(handler),
      async () => (await mailFor(backends, event.order.orderId)).length > 1,
      { what: 'the resend after the in-progress record expired' },
    );
    deliveries.push(...(await drain(deliverer(handler))));

    // Assess
    expect(await count([event.order.orderId])).toEqual({ sent: 2, duplicates: 1, lost: 0 });
    expect(deliveries.at(-1)?.failed).toEqual([]);
  });

  it('moves a message SES keeps refusing to the DLQ with one error naming the event and the DLQ', async () => {
    // Prepare: a queue with maxReceiveCount 2, and the handler told so.
    const maxReceiveCount = 2;
    const { queue: small, deadLetterQueue: dlq } = await createOrderEventsQueue(
      clients,
      'faults-exhaust',
      maxReceiveCount,
    );
    const event = newOrder();
    await faults.add({
      service: 'ses',
      operation: 'SendEmail',
      body: event.order.orderId,
      error: { status: 503, code: 'ServiceUnavailable' },
    });
    const { handler, logger } = productionHandler({ maxReceiveCount });
    await send(small, [event]);
    const deliveries: Delivery[] = [];
    const deliver = deliverer(handler, { target: small });
    const deliverDead = deliverer(async () => ({ batchItemFailures: [] }), { target: dlq });

    // Act
    const dead = await waitFor('the message to reach the DLQ', async () => {
      const delivery = await deliver();
      if (delivery.received.length > 0) deliveries.push(delivery);
      const fromDlq = await deliverDead();
      return fromDlq.received.length > 0 ? fromDlq : undefined;
    });

    // Assess
    expect(deliveries.flatMap((d) => d.failed)).toHaveLength(maxReceiveCount);
    expect(dead.received).toHaveLength(1);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      'order email failed on its last receive; the message goes to the dead-letter queue',
      expect.objectContaining({
        eventId: event.eventId,
        receiveCount: maxReceiveCount,
        deadLetterQueue: 'OrderEventsDeadLetterQueue',
      }),
    );
    expect(await count([event.order.orderId], [event.order.orderId])).toEqual({
      sent: 0,
      duplicates: 0,
      lost: 0,
    });
  });
});
