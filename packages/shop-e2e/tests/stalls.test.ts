import type { Faults } from '@shop/local-cloud';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { countDeliveries, peekQueue, queueDepth } from './support/deliveries.js';
import { invocationSummary } from './support/invocationLog.js';
import { placeOrders } from './support/orders.js';
import { recordResult } from './support/results.js';
import { type Shop, startShop } from './support/startShop.js';

// Scenario 2 of issue 13: a stalled dependency never times a function out. Each stall lasts
// 30 s per request, as long as EmailFunction's and the publisher's whole Timeout: a client
// without real per-attempt timeouts would be killed by Lambda's timeout (and, for a stall that
// ends in a forwarded request, send twice). A stalled request the caller gave up on is never
// forwarded, so every send that counts is a later attempt.
const STALL_MS = 30_000;

let shop: Shop;
let faults: Faults;
beforeAll(async () => {
  shop = await startShop('faults-stalls');
  faults = shop.cloud.backends.faults as Faults;
});
afterEach(() => faults.clear());
afterAll(() => shop?.stop());

/** Wait until every order's confirmation is in the SES store and nothing is left to deliver. */
const confirmationsOf = (orderIds: string[]) =>
  vi.waitFor(
    async () => {
      const counts = countDeliveries(
        await shop.cloud.backends.sentEmails(),
        orderIds,
        'confirmation',
      );
      expect(counts.lost).toBe(0);
      expect(await queueDepth(shop.cloud, 'OrderEventsQueue')).toBe(0);
      return counts;
    },
    { timeout: 90_000, interval: 250 },
  );

describe('a stalled dependency', () => {
  it('SES stalled for the first 4 sends: no invocation times out, every order emailed once', async () => {
    // Prepare
    const started = Date.now();
    const from = shop.invocations.length;
    const rule = await faults.add({
      id: 'ses-stalled',
      service: 'ses',
      operation: 'SendEmail',
      delayMs: STALL_MS,
      times: 4,
    });

    // Act
    const orderIds = await placeOrders(shop, 5, 5);
    const counts = await confirmationsOf(orderIds);

    // Assess
    expect(counts).toEqual({ sent: 5, delivered: 5, duplicated: 0, lost: 0 });
    // Four sends stalled, each given up after the SES client's 2 s per attempt (never
    // forwarded); the records were delivered again and sent.
    expect(await faults.applied(rule)).toBe(4);
    const invocations = shop.invocations.slice(from);
    const summary = invocationSummary(invocations);
    expect(Object.values(summary).map((entry) => entry.timedOut)).toEqual(
      Object.values(summary).map(() => 0),
    );
    const longest = Math.max(
      ...invocations.filter((i) => i.functionId === 'EmailFunction').map((i) => i.durationMs),
    );
    // At least one send waited out its 2 s; none waited out the stall.
    expect(longest).toBeGreaterThan(2_000);
    expect(longest).toBeLessThan(STALL_MS);
    expect(await peekQueue(shop.cloud, 'OrderEventsDeadLetterQueue')).toEqual([]);
    recordResult('faults-stall-ses', {
      counts,
      stalledRequests: 4,
      invocations: summary,
      longestEmailInvocationMs: Math.round(longest),
      deliveredMs: Date.now() - started,
    });
  });

  it('SQS SendMessageBatch stalled for the first 3 requests: no invocation times out, every order emailed once', async () => {
    // Prepare
    const started = Date.now();
    const from = shop.invocations.length;
    const queueName = shop.described.queues.OrderEventsQueue?.name as string;
    const rule = await faults.add({
      id: 'sqs-stalled',
      service: 'sqs',
      operation: 'SendMessageBatch',
      body: queueName,
      delayMs: STALL_MS,
      times: 3,
    });

    // Act
    const orderIds = await placeOrders(shop, 3, 5);
    const counts = await confirmationsOf(orderIds);

    // Assess
    expect(counts).toEqual({ sent: 3, delivered: 3, duplicated: 0, lost: 0 });
    // The publisher's first call used its 3 attempts (3 x 3 s), reported the batch failed,
    // and the stream delivered it again.
    expect(await faults.applied(rule)).toBe(3);
    const invocations = shop.invocations.slice(from);
    const summary = invocationSummary(invocations);
    expect(Object.values(summary).map((entry) => entry.timedOut)).toEqual(
      Object.values(summary).map(() => 0),
    );
    const publisher = invocations.filter((i) => i.functionId === 'OrderEventsPublisherFunction');
    expect(publisher.length).toBeGreaterThanOrEqual(2);
    const longest = Math.max(...publisher.map((i) => i.durationMs));
    expect(longest).toBeGreaterThan(3_000);
    expect(longest).toBeLessThan(STALL_MS);
    expect(await peekQueue(shop.cloud, 'OrderEventsPublisherDeadLetterQueue')).toEqual([]);
    recordResult('faults-stall-sqs', {
      counts,
      stalledRequests: 3,
      invocations: summary,
      longestPublisherInvocationMs: Math.round(longest),
      deliveredMs: Date.now() - started,
    });
  });
});
