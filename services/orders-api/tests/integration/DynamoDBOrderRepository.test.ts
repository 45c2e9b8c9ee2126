import { useBackends } from '@shop/local-cloud/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBOrderRepository } from '../../src/adapters/DynamoDBOrderRepository.js';
import {
  buildOrder,
  cancelOrderState,
  orderCancelledEvent,
  orderPlacedEvent,
} from '../../src/domain/Order.js';
import { validatePlaceOrderRequest } from '../../src/domain/orderRequest.js';
import { customer, validOrderBody } from '../support/fixtures.js';
import { createOrdersTable, documentClient } from '../support/resources.js';

const { clients } = useBackends();
let repository: DynamoDBOrderRepository;

const parsed = validatePlaceOrderRequest(validOrderBody());
if (!parsed.success) throw new Error('fixture is invalid');
let sequence = 0;
const newOrder = (customerId = customer.id) => {
  sequence += 1;
  return buildOrder({
    orderId: `01JNR8W3D2C6VQ5B2T0Y8M${String(sequence).padStart(4, '0')}`,
    customerId,
    createdAt: '2026-03-01T10:00:00.000Z',
    request: parsed.request,
  });
};

beforeAll(async () => {
  repository = new DynamoDBOrderRepository(
    documentClient(clients),
    await createOrdersTable(clients),
  );
});

afterAll(() => clients.destroy());

describe('DynamoDBOrderRepository', () => {
  it('writes an order once and round-trips it with its pending event', async () => {
    // Prepare
    const order = newOrder();
    const event = orderPlacedEvent(order, customer);

    // Act
    const first = await repository.createOrder(order, event);
    const second = await repository.createOrder({ ...order, total: 1 }, event);

    // Assess
    expect(first).toEqual({ created: true });
    expect(second).toEqual({ created: false });
    expect(await repository.getOrder(customer.id, order.orderId)).toEqual({
      order,
      pendingEvent: event,
    });
    expect(await repository.getOrder('cust-other', order.orderId)).toBeUndefined();
  });

  it('binds an idempotency key to the first record only', async () => {
    // Prepare
    const record = {
      customerId: customer.id,
      key: 'key/with#odd:chars',
      fingerprint: 'first',
      orderId: '01JNR8W3D2C6VQ5B2T0Y8M4K1A',
      createdAt: '2026-03-01T10:00:00.000Z',
      expiresAt: 1_800_000_000,
    };

    // Act
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        repository.claimIdempotencyKey({
          ...record,
          fingerprint: `f-${i}`,
          orderId: `01JNR8W3D2C6VQ5B2T0Y8M4K${String(i).padStart(2, '0')}`,
        }),
      ),
    );

    // Assess
    expect(new Set(results.map((result) => result.orderId)).size).toBe(1);
    expect(new Set(results.map((result) => result.fingerprint)).size).toBe(1);
  });

  it('leases a pending event to one claimant until it expires or is released', async () => {
    // Prepare
    const order = newOrder();
    const event = orderPlacedEvent(order, customer);
    await repository.createOrder(order, event);
    const ref = { customerId: customer.id, orderId: order.orderId, eventId: event.eventId };

    // Act
    const claims = await Promise.all(
      ['a', 'b', 'c', 'd'].map((leaseId) =>
        repository.claimPendingEvent(ref, { leaseId, now: 1000, until: 2000 }),
      ),
    );
    const whileHeld = await repository.claimPendingEvent(ref, {
      leaseId: 'e',
      now: 1500,
      until: 2500,
    });
    const afterExpiry = await repository.claimPendingEvent(ref, {
      leaseId: 'f',
      now: 2001,
      until: 3000,
    });
    await repository.releasePendingEvent(ref, 'not-the-holder');
    const stillHeld = await repository.claimPendingEvent(ref, {
      leaseId: 'g',
      now: 2002,
      until: 3000,
    });
    await repository.releasePendingEvent(ref, 'f');
    const afterRelease = await repository.claimPendingEvent(ref, {
      leaseId: 'h',
      now: 2003,
      until: 3000,
    });
    const wrongEvent = await repository.claimPendingEvent(
      { ...ref, eventId: 'other' },
      { leaseId: 'i', now: 9999, until: 10000 },
    );

    // Assess
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect([whileHeld, afterExpiry, stillHeld, afterRelease, wrongEvent]).toEqual([
      false,
      true,
      false,
      true,
      false,
    ]);
  });

  it('clears the outbox on completion and then refuses to cancel twice', async () => {
    // Prepare
    const order = newOrder();
    const placed = orderPlacedEvent(order, customer);
    await repository.createOrder(order, placed);
    const cancelled = cancelOrderState(order, '2026-03-01T11:00:00.000Z');
    const cancelEvent = orderCancelledEvent(cancelled, customer);

    // Act
    const whilePending = await repository.markCancelled(cancelled, cancelEvent);
    await repository.completePendingEvent({
      customerId: customer.id,
      orderId: order.orderId,
      eventId: placed.eventId,
    });
    const first = await repository.markCancelled(cancelled, cancelEvent);
    const stored = await repository.getOrder(customer.id, order.orderId);
    await repository.completePendingEvent({
      customerId: customer.id,
      orderId: order.orderId,
      eventId: cancelEvent.eventId,
    });
    const second = await repository.markCancelled(cancelled, cancelEvent);

    // Assess
    expect([whilePending, first, second]).toEqual([false, true, false]);
    expect(stored).toEqual({ order: cancelled, pendingEvent: cancelEvent });
    expect((await repository.getOrder(customer.id, order.orderId))?.pendingEvent).toBeUndefined();
  });

  it('discards an order only while its event is unpublished', async () => {
    // Prepare
    const kept = newOrder();
    const dropped = newOrder();
    const keptEvent = orderPlacedEvent(kept, customer);
    const droppedEvent = orderPlacedEvent(dropped, customer);
    await repository.createOrder(kept, keptEvent);
    await repository.createOrder(dropped, droppedEvent);
    await repository.completePendingEvent({
      customerId: customer.id,
      orderId: kept.orderId,
      eventId: keptEvent.eventId,
    });

    // Act
    await repository.discardUnpublishedOrder({
      customerId: customer.id,
      orderId: kept.orderId,
      eventId: keptEvent.eventId,
    });
    await repository.discardUnpublishedOrder({
      customerId: customer.id,
      orderId: dropped.orderId,
      eventId: droppedEvent.eventId,
    });

    // Assess
    expect(await repository.getOrder(customer.id, kept.orderId)).toBeDefined();
    expect(await repository.getOrder(customer.id, dropped.orderId)).toBeUndefined();
  });

  it("pages through one customer's orders newest first", async () => {
    // Prepare
    const owner = 'cust-pages';
    const orders = Array.from({ length: 5 }, () => newOrder(owner));
    for (const order of orders)
      await repository.createOrder(order, orderPlacedEvent(order, customer));
    const neighbour = newOrder('cust-pages-2');
    await repository.createOrder(neighbour, orderPlacedEvent(neighbour, customer));

    // Act
    const first = await repository.listOrders(owner, { limit: 2 });
    const second = await repository.listOrders(owner, { limit: 2, after: first.lastOrderId });
    const third = await repository.listOrders(owner, { limit: 2, after: second.lastOrderId });

    // Assess
    const ids = [...first.orders, ...second.orders, ...third.orders].map((order) => order.orderId);
    expect(ids).toEqual(orders.map((order) => order.orderId).reverse());
    expect(third.lastOrderId).toBeUndefined();
  });

  it('finds orders with long-pending events through the sparse index, oldest first', async () => {
    // Prepare
    const early = newOrder('cust-outbox');
    const late = { ...newOrder('cust-outbox'), createdAt: '2026-03-01T10:05:00.000Z' };
    const sent = newOrder('cust-outbox');
    for (const order of [late, early, sent])
      await repository.createOrder(order, orderPlacedEvent(order, customer));
    const sentEvent = orderPlacedEvent(sent, customer);
    await repository.completePendingEvent({
      customerId: sent.customerId,
      orderId: sent.orderId,
      eventId: sentEvent.eventId,
    });

    // Act
    const stale = await repository.listStalePendingEvents('2026-03-01T10:01:00.000Z', 100);
    const all = await repository.listStalePendingEvents('2026-03-01T11:00:00.000Z', 100);

    // Assess
    const mine = (refs: { customerId: string; orderId: string }[]) =>
      refs.filter((ref) => ref.customerId === 'cust-outbox').map((ref) => ref.orderId);
    expect(mine(stale)).toEqual([early.orderId]);
    expect(mine(all)).toEqual([early.orderId, late.orderId]);
  });
});
