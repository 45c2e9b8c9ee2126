import { beforeEach, describe, expect, it } from 'vitest';
import { cancelOrder } from '../../src/domain/cancelOrder.js';
import type { DeliveryDependencies } from '../../src/domain/deliverPendingEvent.js';
import {
  EventPublishFailedError,
  OrderNotCancellableError,
  OrderNotFoundError,
} from '../../src/domain/errors.js';
import { buildOrder, orderPlacedEvent } from '../../src/domain/Order.js';
import { validatePlaceOrderRequest } from '../../src/domain/orderRequest.js';
import { placeOrder } from '../../src/domain/placeOrder.js';
import { FakePublisher, fakeRuntime } from '../support/fakes.js';
import { customer, otherCustomer, validOrderBody } from '../support/fixtures.js';
import { InMemoryOrderRepository } from '../support/InMemoryOrderRepository.js';

const request = () => {
  const result = validatePlaceOrderRequest(validOrderBody());
  if (!result.success) throw new Error('fixture is invalid');
  return result.request;
};

describe('cancelOrder', () => {
  let repository: InMemoryOrderRepository;
  let publisher: FakePublisher;
  let deps: DeliveryDependencies;
  let orderId: string;

  beforeEach(async () => {
    repository = new InMemoryOrderRepository();
    publisher = new FakePublisher();
    deps = { repository, publisher, runtime: fakeRuntime() };
    orderId = (await placeOrder(deps, { customer, request: request() })).order.orderId;
    publisher.events.length = 0;
  });

  it('cancels a PLACED order and publishes OrderCancelled', async () => {
    // Act
    const result = await cancelOrder(deps, customer, orderId);

    // Assess
    expect(result.order.status).toBe('CANCELLED');
    expect(result.order.cancelledAt).toBeDefined();
    expect(publisher.events.map((event) => event.type)).toEqual(['OrderCancelled']);
    expect(publisher.events[0]?.order).toEqual(result.order);
  });

  it('answers a conflict when the order is already cancelled', async () => {
    // Prepare
    await cancelOrder(deps, customer, orderId);

    // Act / Assess
    await expect(cancelOrder(deps, customer, orderId)).rejects.toThrow(OrderNotCancellableError);
    expect(publisher.events).toHaveLength(1);
  });

  it('completes the send when a cancel is retried after the queue failed', async () => {
    // Prepare
    publisher.failNext();
    await expect(cancelOrder(deps, customer, orderId)).rejects.toThrow(EventPublishFailedError);

    // Act
    const retry = await cancelOrder(deps, customer, orderId);

    // Assess
    expect(retry.order.status).toBe('CANCELLED');
    expect(retry.published.map((event) => event.type)).toEqual(['OrderCancelled']);
    expect(publisher.events).toHaveLength(1);
  });

  it("does not find another customer's order", async () => {
    // Act / Assess
    await expect(cancelOrder(deps, otherCustomer, orderId)).rejects.toThrow(OrderNotFoundError);
    await expect(cancelOrder(deps, customer, 'not-an-order-id')).rejects.toThrow(
      OrderNotFoundError,
    );
  });

  it('publishes a still-pending OrderPlaced before the OrderCancelled', async () => {
    // Prepare: an order whose OrderPlaced never left (e.g. the client gave up after a 503).
    const order = buildOrder({
      orderId: '01JNR8W3D2C6VQ5B2T0Y8M4K1Z',
      customerId: customer.id,
      createdAt: '2026-03-01T09:00:00.000Z',
      request: request(),
    });
    await repository.createOrder(order, orderPlacedEvent(order, customer));

    // Act
    const result = await cancelOrder(deps, customer, order.orderId);

    // Assess
    expect(result.published.map((event) => event.type)).toEqual(['OrderPlaced', 'OrderCancelled']);
    expect(publisher.events.map((event) => event.order.status)).toEqual(['PLACED', 'CANCELLED']);
  });

  it('lets exactly one of several concurrent cancels publish the event', async () => {
    // Act
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => cancelOrder(deps, customer, orderId)),
    );

    // Assess
    expect(publisher.events).toHaveLength(1);
    const fulfilled = results.filter((result) => result.status === 'fulfilled');
    expect(fulfilled.length).toBeGreaterThanOrEqual(1);
    for (const result of results) {
      if (result.status === 'rejected')
        expect(result.reason).toBeInstanceOf(OrderNotCancellableError);
    }
  });
});
