import { randomUUID } from 'node:crypto';
import type { Faults } from '@shop/local-cloud';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { countDeliveries, emailsOf, peekQueue, queueDepth } from './support/deliveries.js';
import { invocationSummary } from './support/invocationLog.js';
import { placedOrderId } from './support/orders.js';
import { recordResult } from './support/results.js';
import { type Shop, startShop } from './support/startShop.js';

// Scenario 3 of issue 13: throttling. DynamoDB throttles the API's order write past the SDK's
// retries (the client sees 503 + Retry-After and retries with the same Idempotency-Key); SQS
// throttles the publisher's SendMessageBatch past its retries (the stream delivers the records
// again). Nothing is lost, nothing doubled, and an order's cancellation is never emailed
// before its confirmation, also when the confirmation's send keeps failing meanwhile (the
// FIFO queue holds the order's group).

let shop: Shop;
let faults: Faults;
beforeAll(async () => {
  shop = await startShop('faults-throttling');
  faults = shop.cloud.backends.faults as Faults;
});
afterEach(() => faults.clear());
afterAll(() => shop?.stop());

const tableName = (id: string) => shop.described.tables[id] as string;
const throttled = { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' };

describe('DynamoDB throttling the API', () => {
  it('answers 503 with Retry-After, and a retry with the same Idempotency-Key places one order', async () => {
    // Prepare
    const started = Date.now();
    const key = randomUUID();
    // Every attempt of one call (the API's DynamoDB client makes 3).
    const rule = await faults.add({
      id: 'orders-put-throttled',
      service: 'dynamodb',
      operation: 'PutItem',
      body: `"TableName":"${tableName('OrdersTable')}"`,
      error: throttled,
      times: 3,
    });

    // Act
    const first = await shop.placeOrder(key);
    const firstBody = await first.json();
    const retry = await shop.placeOrder(key);
    const order = (await retry.json()) as { orderId: string };
    const again = await shop.placeOrder(key);
    const againBody = (await again.json()) as { orderId: string };

    // Assess
    expect(first.status).toBe(503);
    // The API's 503 for a throttled dependency (toHttpResponse in @shop/common): retry in 1 s.
    expect(first.headers.get('retry-after')).toBe('1');
    expect(firstBody).not.toHaveProperty('orderId');
    expect(await faults.applied(rule)).toBe(3);
    expect(retry.status).toBe(201);
    expect(again.status).toBe(201);
    expect(againBody.orderId).toBe(order.orderId);
    const listed = (await (await shop.api('/orders?limit=100')).json()) as {
      orders: Array<{ orderId: string }>;
    };
    expect(listed.orders.filter((o) => o.orderId === order.orderId)).toHaveLength(1);
    const counts = await vi.waitFor(
      async () => {
        const current = countDeliveries(
          await shop.cloud.backends.sentEmails(),
          [order.orderId],
          'confirmation',
        );
        expect(current.lost).toBe(0);
        expect(await queueDepth(shop.cloud, 'OrderEventsQueue')).toBe(0);
        return current;
      },
      { timeout: 60_000, interval: 250 },
    );
    expect(counts).toEqual({ sent: 1, delivered: 1, duplicated: 0, lost: 0 });
    recordResult('faults-throttle-dynamodb', {
      firstStatus: first.status,
      retryAfter: first.headers.get('retry-after'),
      retryStatus: retry.status,
      ordersForKey: 1,
      throttledRequests: 3,
      counts,
      wallMs: Date.now() - started,
    });
  });
});

describe('SQS throttling the publisher', () => {
  it('delivers each event once, the confirmation before the cancellation', async () => {
    // Prepare
    const started = Date.now();
    const from = shop.invocations.length;
    const queueName = shop.described.queues.OrderEventsQueue?.name as string;
    // The publisher's first call (3 attempts) and the first attempt of the stream's retry.
    const rule = await faults.add({
      id: 'publisher-throttled',
      service: 'sqs',
      operation: 'SendMessageBatch',
      body: queueName,
      error: throttled,
      times: 4,
    });

    // Act
    const orderId = await placedOrderId(await shop.placeOrder());
    const cancelled = await shop.api(`/orders/${orderId}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    const emails = await vi.waitFor(
      async () => {
        const sent = await shop.cloud.backends.sentEmails();
        expect(emailsOf(sent, orderId, 'cancellation')).toHaveLength(1);
        expect(await queueDepth(shop.cloud, 'OrderEventsQueue')).toBe(0);
        return sent;
      },
      { timeout: 60_000, interval: 250 },
    );

    // Assess
    expect(await faults.applied(rule)).toBe(4);
    const confirmation = countDeliveries(emails, [orderId], 'confirmation');
    const cancellation = countDeliveries(emails, [orderId], 'cancellation');
    expect(confirmation).toEqual({ sent: 1, delivered: 1, duplicated: 0, lost: 0 });
    expect(cancellation).toEqual({ sent: 1, delivered: 1, duplicated: 0, lost: 0 });
    // The SES store keeps emails in the order they were accepted.
    const [confirmed] = emailsOf(emails, orderId, 'confirmation');
    const [cancelledEmail] = emailsOf(emails, orderId, 'cancellation');
    expect(emails.indexOf(confirmed as (typeof emails)[number])).toBeLessThan(
      emails.indexOf(cancelledEmail as (typeof emails)[number]),
    );
    expect(await peekQueue(shop.cloud, 'OrderEventsPublisherDeadLetterQueue')).toEqual([]);
    const summary = invocationSummary(shop.invocations.slice(from));
    expect(summary.OrderEventsPublisherFunction?.invocations).toBeGreaterThanOrEqual(2);
    expect(summary.OrderEventsPublisherFunction?.timedOut).toBe(0);
    recordResult('faults-throttle-sqs', {
      throttledRequests: 4,
      confirmation,
      cancellation,
      confirmationFirst: true,
      invocations: summary,
      wallMs: Date.now() - started,
    });
  });
});

describe('SES refusing a confirmation while its order is cancelled', () => {
  it('emails the cancellation only after the confirmation', async () => {
    // Prepare
    const started = Date.now();
    // The next 4 sends of a confirmation are refused, more than one delivery of the message
    // tries (the email service retries a refused send within a delivery, up to 3 sends): this
    // test's order is the only one in flight.
    const rule = await faults.add({
      id: 'confirmation-refused',
      service: 'ses',
      operation: 'SendEmail',
      body: { regex: '"Subject":\\{"Data":"[^"]*confirm' },
      error: { status: 503, code: 'ServiceUnavailable' },
      times: 4,
    });
    const orderId = await placedOrderId(await shop.placeOrder());
    await vi.waitFor(async () => expect(await faults.applied(rule)).toBeGreaterThanOrEqual(2), {
      timeout: 30_000,
      interval: 100,
    });

    // Act: cancel while the confirmation is failing
    const cancelled = await shop.api(`/orders/${orderId}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    const emails = await vi.waitFor(
      async () => {
        const sent = await shop.cloud.backends.sentEmails();
        expect(emailsOf(sent, orderId, 'cancellation')).toHaveLength(1);
        expect(emailsOf(sent, orderId, 'confirmation')).toHaveLength(1);
        expect(await queueDepth(shop.cloud, 'OrderEventsQueue')).toBe(0);
        return sent;
      },
      { timeout: 60_000, interval: 250 },
    );

    // Assess
    expect(await faults.applied(rule)).toBe(4);
    const [confirmed] = emailsOf(emails, orderId, 'confirmation');
    const [cancelledEmail] = emailsOf(emails, orderId, 'cancellation');
    expect(emails.indexOf(confirmed as (typeof emails)[number])).toBeLessThan(
      emails.indexOf(cancelledEmail as (typeof emails)[number]),
    );
    recordResult('faults-confirmation-first', {
      refusedSends: 4,
      confirmation: countDeliveries(emails, [orderId], 'confirmation'),
      cancellation: countDeliveries(emails, [orderId], 'cancellation'),
      confirmationFirst: true,
      wallMs: Date.now() - started,
    });
  });
});
