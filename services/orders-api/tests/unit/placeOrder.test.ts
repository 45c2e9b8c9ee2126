import { beforeEach, describe, expect, it } from 'vitest';
import { IdempotencyKeyReusedError } from '../../src/domain/errors.js';
import { ORDER_ID_PATTERN, orderIdForKey } from '../../src/domain/identifiers.js';
import {
  type PlaceOrderRequest,
  validatePlaceOrderRequest,
} from '../../src/domain/orderRequest.js';
import { placeOrder } from '../../src/domain/placeOrder.js';
import { fakeRuntime } from '../support/fakes.js';
import { customer, otherCustomer, validOrderBody } from '../support/fixtures.js';
import { InMemoryOrderRepository } from '../support/InMemoryOrderRepository.js';

const request = (overrides: Record<string, unknown> = {}): PlaceOrderRequest => {
  const result = validatePlaceOrderRequest({ ...validOrderBody(), ...overrides });
  if (!result.success) throw new Error('fixture is invalid');
  return result.request;
};

describe('placeOrder', () => {
  let repository: InMemoryOrderRepository;
  let deps: { repository: InMemoryOrderRepository; runtime: ReturnType<typeof fakeRuntime> };

  beforeEach(() => {
    repository = new InMemoryOrderRepository();
    deps = { repository, runtime: fakeRuntime() };
  });

  it('stores one PLACED order with the customer address beside it, in one write', async () => {
    // Act
    const result = await placeOrder({ customer, request: request() }, deps);

    // Assess
    expect(result.replayed).toBe(false);
    expect(result.order.status).toBe('PLACED');
    expect(result.order.total).toBe(2 * 1250 + 2999);
    expect(repository.changes).toHaveLength(1);
    expect(await repository.getOrder(customer.id, result.order.orderId)).toEqual({
      order: result.order,
      customerEmail: customer.email,
    });
  });

  it('derives the order id from customer and key, so a retry finds the same order', async () => {
    // Prepare
    const first = await placeOrder({ customer, request: request(), idempotencyKey: 'k-1' }, deps);
    deps.runtime.advance(60_000);

    // Act
    const second = await placeOrder({ customer, request: request(), idempotencyKey: 'k-1' }, deps);

    // Assess
    expect(first.order.orderId).toBe(orderIdForKey(customer.id, 'k-1'));
    expect(first.order.orderId).toMatch(ORDER_ID_PATTERN);
    expect(second).toEqual({ order: first.order, replayed: true });
    expect(repository.changes).toHaveLength(1);
  });

  it('makes one order of twenty concurrent requests with one key', async () => {
    // Act
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        placeOrder({ customer, request: request(), idempotencyKey: 'k-burst' }, deps),
      ),
    );

    // Assess
    expect(new Set(results.map((r) => r.order.orderId)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(repository.changes).toHaveLength(1);
  });

  it('refuses the same key with a different body and keeps the first order', async () => {
    // Prepare
    const first = await placeOrder({ customer, request: request(), idempotencyKey: 'k-1' }, deps);

    // Act / Assess
    await expect(
      placeOrder({ customer, request: request({ note: 'other' }), idempotencyKey: 'k-1' }, deps),
    ).rejects.toThrow(IdempotencyKeyReusedError);
    expect((await repository.getOrder(customer.id, first.order.orderId))?.order).toEqual(
      first.order,
    );
  });

  it('scopes idempotency keys to the customer', async () => {
    // Prepare
    const mine = await placeOrder({ customer, request: request(), idempotencyKey: 'k-1' }, deps);

    // Act
    const theirs = await placeOrder(
      {
        customer: otherCustomer,
        request: request({ note: 'different' }),
        idempotencyKey: 'k-1',
      },
      deps,
    );

    // Assess
    expect(theirs.replayed).toBe(false);
    expect(theirs.order.orderId).not.toBe(mine.order.orderId);
    expect(repository.changes).toHaveLength(2);
  });

  it('gives requests without a key a new time-ordered id each', async () => {
    // Act
    const a = await placeOrder({ customer, request: request() }, deps);
    const b = await placeOrder({ customer, request: request() }, deps);

    // Assess
    expect(a.order.orderId < b.order.orderId).toBe(true);
    expect(repository.changes).toHaveLength(2);
  });
});
