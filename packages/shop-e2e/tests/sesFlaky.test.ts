import type { Faults } from '@shop/local-cloud';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { countDeliveries, peekQueue, queueDepth } from './support/deliveries.js';
import { invocationSummary } from './support/invocationLog.js';
import { placeOrders } from './support/orders.js';
import { recordResult } from './support/results.js';
import { type Shop, startShop } from './support/startShop.js';

// Scenario 1 of issue 13: 50 orders through the real HTTP API while SES refuses every
// confirmation twice (503 ServiceUnavailable, counted per request body, i.e. per email).
const ORDERS = 50;

let shop: Shop;
let faults: Faults;
beforeAll(async () => {
  shop = await startShop('faults-ses-flaky');
  faults = shop.cloud.backends.faults as Faults;
});
afterAll(() => shop?.stop());

describe('50 orders while SES fails every confirmation twice', () => {
  it('emails each order exactly once: 50 sent, 50 delivered, 0 duplicated, 0 lost', async () => {
    // Prepare
    const started = Date.now();
    const rule = await faults.add({
      id: 'ses-flaky',
      service: 'ses',
      operation: 'SendEmail',
      per: 'body',
      error: { status: 503, code: 'ServiceUnavailable', message: 'Service unavailable' },
      times: 2,
    });

    // Act: every order placed (50 x 201, or the test fails here with the other answers)
    const orderIds = await placeOrders(shop, ORDERS, 5);
    const placedMs = Date.now() - started;
    const counts = await vi.waitFor(
      async () => {
        const current = countDeliveries(
          await shop.cloud.backends.sentEmails(),
          orderIds,
          'confirmation',
        );
        expect(current.lost).toBe(0);
        // Nothing left to deliver: no later copy can still arrive.
        expect(await queueDepth(shop.cloud, 'OrderEventsQueue')).toBe(0);
        return current;
      },
      { timeout: 90_000, interval: 250 },
    );
    const deliveredMs = Date.now() - started;

    // Assess
    expect(new Set(orderIds).size).toBe(ORDERS);
    expect(counts).toEqual({ sent: ORDERS, delivered: ORDERS, duplicated: 0, lost: 0 });
    // Each email was refused twice, then accepted: three sends per email, no fourth.
    const stats = await faults.stats(rule);
    expect(stats).toMatchObject({ keys: ORDERS, applied: 2 * ORDERS, matched: 3 * ORDERS });
    expect(await peekQueue(shop.cloud, 'OrderEventsDeadLetterQueue')).toEqual([]);
    const summary = invocationSummary(shop.invocations);
    expect(summary.EmailFunction?.timedOut ?? 0).toBe(0);
    recordResult('faults-ses-flaky', {
      counts,
      sesRequests: { matched: stats.matched, refused: stats.applied, emails: stats.keys },
      invocations: summary,
      placedMs,
      deliveredMs,
    });
  });
});
