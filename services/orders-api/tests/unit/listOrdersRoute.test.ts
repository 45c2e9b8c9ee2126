import type { HttpResponse } from '@shop/common/http';
import { lambdaContext } from '@shop/testing/lambda';
import { describe, expect, it } from 'vitest';
import { apiHarness } from '../support/apiHarness.js';
import { apiEvent, otherCustomer, validOrderBody } from '../support/fixtures.js';

const json = (response: HttpResponse) => JSON.parse(response.body ?? 'null');

describe('GET /orders', () => {
  it('lists orders newest first, page by page, with an opaque cursor', async () => {
    // Prepare
    const { handler } = apiHarness();
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await handler(
        apiEvent('POST /orders', { body: validOrderBody() }),
        lambdaContext(),
      );
      ids.push(json(response).orderId);
    }

    // Act
    const first = json(
      await handler(apiEvent('GET /orders', { query: { limit: '2' } }), lambdaContext()),
    );
    const second = json(
      await handler(
        apiEvent('GET /orders', { query: { limit: '2', cursor: first.nextCursor } }),
        lambdaContext(),
      ),
    );
    const third = json(
      await handler(
        apiEvent('GET /orders', { query: { limit: '2', cursor: second.nextCursor } }),
        lambdaContext(),
      ),
    );

    // Assess
    const listed = [...first.orders, ...second.orders, ...third.orders].map(
      (order) => order.orderId,
    );
    expect(listed).toEqual([...ids].reverse());
    expect(third.nextCursor).toBeNull();
  });

  it.each([
    ['limit 0', { limit: '0' }],
    ['limit 101', { limit: '101' }],
    ['a non-numeric limit', { limit: 'ten' }],
    ['a tampered cursor', { cursor: 'eyJ2IjoxLCJhZnRlciI6IjAxSiJ9.AAAA' }],
  ])('answers 400 for %s', async (_case, query) => {
    // Prepare
    const { handler } = apiHarness();

    // Act
    const response = await handler(apiEvent('GET /orders', { query }), lambdaContext());

    // Assess
    expect(response.statusCode).toBe(400);
    expect(json(response).error.details[0].field).toBe(Object.keys(query)[0]);
  });

  it("answers 400, not another customer's data, for a cursor issued to someone else", async () => {
    // Prepare
    const { handler } = apiHarness();
    for (let i = 0; i < 2; i += 1) {
      await handler(
        apiEvent('POST /orders', { body: validOrderBody(), who: otherCustomer }),
        lambdaContext(),
      );
    }
    const bobs = json(
      await handler(
        apiEvent('GET /orders', { query: { limit: '1' }, who: otherCustomer }),
        lambdaContext(),
      ),
    );

    // Act
    const response = await handler(
      apiEvent('GET /orders', { query: { cursor: bobs.nextCursor } }),
      lambdaContext(),
    );

    // Assess
    expect(response.statusCode).toBe(400);
    expect(json(response)).not.toHaveProperty('orders');
  });
});
