import { beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryDependencies } from '../../src/domain/deliverPendingEvent.js';
import { EventPublishFailedError, IdempotencyKeyReusedError } from '../../src/domain/errors.js';
import {
  type PlaceOrderRequest,
  validatePlaceOrderRequest,
} from '../../src/domain/orderRequest.js';
import { placeOrder } from '../../src/domain/placeOrder.js';
import { FakePublisher, fakeRuntime } from '../support/fakes.js';
import { customer, validOrderBody } from '../support/fixtures.js';
import { InMemoryOrderRepository } from '../support/InMemoryOrderRepository.js';

const request = (overrides: Record<string, unknown> = {}): PlaceOrderRequest => {
  const result = validatePlaceOrderRequest({ ...validOrderBody(), ...overrides });
  if (!result.success) throw new Error('fixture is invalid');
  return result.request;
};

describe('placeOrder', () => {
  let repository: InMemoryOrderRepository;
  let publisher: FakePublisher;
  let deps: DeliveryDependencies;

  beforeEach(() => {
    repository = new InMemoryOrderRepository();
    publisher = new FakePublisher();
    deps = { repository, publisher, runtime: fakeRuntime() };
  });

  it('stores the order and publishes one OrderPlaced event before answering', async () => {
    // Act
    const result = await placeOrder(deps, { customer, request: request() });

    // Assess
    expect(result.replayed).toBe(false);
    expect(result.published?.type).toBe('OrderPlaced');
    expect(publisher.events).toHaveLength(1);
    expect(publisher.events[0]?.order).toEqual(result.order);
    const stored = await repository.getOrder(customer.id, result.order.orderId);
    expect(stored).toEqual({ order: result.order });
  });

  it('returns the same order for the same key and body, with no second event', async () => {
    // Prepare
    const first = await placeOrder(deps, { customer, request: request(), idempotencyKey: 'k-1' });

    // Act
    const second = await placeOrder(deps, { customer, request: request(), idempotencyKey: 'k-1' });

    // Assess
    expect(second.order).toEqual(first.order);
    expect(second.replayed).toBe(true);
    expect(second.published).toBeUndefined();
    expect(repository.rows.size).toBe(1);
    expect(publisher.events).toHaveLength(1);
  });

  it('rejects a second order with the same idempotency key and a different body', async () => {
    // Prepare
    await placeOrder(deps, { customer, request: request(), idempotencyKey: 'k-1' });

    // Act / Assess
    await expect(
      placeOrder(deps, {
        customer,
        request: request({ note: 'different' }),
        idempotencyKey: 'k-1',
      }),
    ).rejects.toThrow(IdempotencyKeyReusedError);
    expect(repository.rows.size).toBe(1);
  });

  it('scopes idempotency keys to the customer', async () => {
    // Prepare
    await placeOrder(deps, { customer, request: request(), idempotencyKey: 'k-1' });

    // Act
    const other = await placeOrder(deps, {
      customer: { id: 'cust-bob', email: 'bob@example.com' },
      request: request({ note: 'different' }),
      idempotencyKey: 'k-1',
    });

    // Assess
    expect(other.replayed).toBe(false);
    expect(repository.rows.size).toBe(2);
  });

  it('creates exactly one order and one event for twenty concurrent requests with one key', async () => {
    // Act
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        placeOrder(deps, { customer, request: request(), idempotencyKey: 'k-race' }),
      ),
    );

    // Assess
    expect(new Set(results.map((result) => result.order.orderId)).size).toBe(1);
    expect(repository.rows.size).toBe(1);
    expect(publisher.events).toHaveLength(1);
    expect(results.filter((result) => result.published)).toHaveLength(1);
  });

  it('keeps the event pending when the queue fails, and a retry with the key sends it', async () => {
    // Prepare
    publisher.failNext();
    await expect(
      placeOrder(deps, { customer, request: request(), idempotencyKey: 'k-retry' }),
    ).rejects.toThrow(EventPublishFailedError);
    const [row] = repository.rows.values();
    const pending = row?.pendingEvent;
    expect(pending?.type).toBe('OrderPlaced');

    // Act
    const retry = await placeOrder(deps, {
      customer,
      request: request(),
      idempotencyKey: 'k-retry',
    });

    // Assess
    expect(retry.order.orderId).toBe(row?.order.orderId);
    expect(retry.published?.eventId).toBe(pending?.eventId);
    expect(publisher.events).toHaveLength(1);
    expect(repository.rows.size).toBe(1);
    expect([...repository.rows.values()][0]?.pendingEvent).toBeUndefined();
  });

  it('removes the order again when a request without a key cannot publish its event', async () => {
    // Prepare
    publisher.failNext();

    // Act
    const attempt = placeOrder(deps, { customer, request: request() });

    // Assess
    await expect(attempt).rejects.toThrow(EventPublishFailedError);
    expect(repository.rows.size).toBe(0);
    expect(publisher.events).toHaveLength(0);
  });
});
