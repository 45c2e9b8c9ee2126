import type { QueueRef } from '@shop/local-cloud';
import { uniqueName, useFaults } from '@shop/local-cloud/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AWS_LIMITS, SES_SEND_RETRY } from '../../src/config.js';
import type { EmailSender } from '../../src/domain/ports.js';
import {
  deliverUntil,
  deliverUntilDeadLettered,
  drain,
  type SqsHandler,
  timed,
} from '../support/deliverFromQueue.js';
import { type EmailFunctionOptions, useEmailBackends } from '../support/emailBackends.js';
import { orderPlaced, withOrderId } from '../support/orderEvents.js';

// The README's delivery guarantee, sentence by sentence, with the fault proxy in front of each
// backend (embedded, or moto through AWS_ENDPOINT_URL). The handler is wired as
// src/handlers/sendOrderEmail.ts wires it (lambdaHandler, AWS_LIMITS, SES_SEND_RETRY), with its
// logger's warn and error spied on. Every test counts, per order: sent (SES store), duplicates
// (sent - 1) and lost (not sent and not in the DLQ).

const email = useEmailBackends();
const faults = useFaults();
/** Roomy, so waits for in-progress records never push a message into the DLQ. */
const MAX_RECEIVE_COUNT = 10;
let queue: QueueRef;

const productionHandler = (options: EmailFunctionOptions = {}) =>
  email.emailFunction({
    ...options,
    config: { maxReceiveCount: MAX_RECEIVE_COUNT, ...options.config },
  });

const send = email.sendEvents;

const deliverer = (handler: SqsHandler, options: { timeoutMs?: number; target?: QueueRef } = {}) =>
  email.deliverer(options.target ?? queue, handler, options);

/** Sent, duplicated and lost emails of these orders (the confirmation subject carries the id). */
const count = async (orderIds: string[], deadLettered: string[] = []) => {
  const emails = await email.backends.sentEmails();
  const per = orderIds.map((id) => emails.filter((mail) => mail.subject.includes(id)).length);
  return {
    sent: per.reduce((a, b) => a + b, 0),
    duplicates: per.reduce((a, b) => a + Math.max(0, b - 1), 0),
    lost: orderIds.filter((id, i) => per[i] === 0 && !deadLettered.includes(id)).length,
  };
};

const mailFor = (orderId: string) => email.mailFor(orderId);

const newOrder = () => withOrderId(orderPlaced(), uniqueName('ORD'));

describe('EmailFunction under faults', () => {
  beforeAll(async () => {
    ({ queue } = await email.createOrderEventsQueue('faults', MAX_RECEIVE_COUNT));
  });

  afterEach(() => faults.clear());

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
      async () => (await mailFor(event.order.orderId)).length > 0,
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
    const { handler: timedHandler, durations } = timed(handler);
    await send(queue, [event]);

    // Act
    const deliveries = await deliverUntil(
      deliverer(timedHandler),
      async () => (await mailFor(event.order.orderId)).length > 0,
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
    const { handler } = productionHandler({ config: { remainingTimeSafetyMarginMs: 0 } });
    const timeoutMs = 3_000;
    const { handler: timedHandler, durations } = timed(handler);
    await send(queue, [event]);

    // Act
    const first = await deliverUntil(deliverer(timedHandler, { timeoutMs }), (d) => d.length > 0, {
      what: 'the first receive',
    });
    // The aborted attempt's in-progress record may outlive the invocation (its delete was cut
    // off by the deadline too): wait for the retry to go through.
    await deliverUntil(
      deliverer(handler),
      async () => (await mailFor(event.order.orderId)).length > 0,
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
      body: email.tableName,
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
    const ses1 = email.sesSender();
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
    const crashed = productionHandler({
      sender: dying,
      config: { remainingTimeSafetyMarginMs: 0 },
    });
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
      async () => (await mailFor(event.order.orderId)).length > 1,
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
    const { queue: small, deadLetterQueue: dlq } = await email.createOrderEventsQueue(
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
    const { handler, logger } = productionHandler({ config: { maxReceiveCount } });
    await send(small, [event]);
    const deliver = deliverer(handler, { target: small });
    const deliverDead = deliverer(async () => ({ batchItemFailures: [] }), { target: dlq });

    // Act
    const { deliveries, dead } = await deliverUntilDeadLettered(
      deliver,
      deliverDead,
      'the message to reach the DLQ',
    );

    // Assess
    expect(deliveries.flatMap((d) => d.failed)).toHaveLength(maxReceiveCount);
    expect(dead.flatMap((d) => d.received)).toHaveLength(1);
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
