import { orderEventSchema } from '@shop/contracts/orderEvents';
import { describe, expect, it } from 'vitest';
import { eventIdFor } from '../../src/domain/identifiers.js';
import {
  buildOrder,
  eventForChange,
  orderCancelledEvent,
  orderPlacedEvent,
} from '../../src/domain/Order.js';
import { validatePlaceOrderRequest } from '../../src/domain/orderRequest.js';
import { customer, validOrderBody } from '../support/fixtures.js';

const request = () => {
  const result = validatePlaceOrderRequest(validOrderBody());
  if (!result.success) throw new Error('fixture is invalid');
  return result.request;
};

const placed = () =>
  buildOrder({
    orderId: '01JNR8W3D2C6VQ5B2T0Y8M4K1A',
    customerId: customer.id,
    createdAt: '2026-03-01T10:00:00.000Z',
    request: request(),
  });

describe('buildOrder', () => {
  it('creates a PLACED order with server-computed totals', () => {
    // Act
    const order = placed();

    // Assess
    expect(order.status).toBe('PLACED');
    expect(order.items.map((item) => item.lineTotal)).toEqual([2500, 2999]);
    expect(order.total).toBe(5499);
    expect(order.cancelledAt).toBeUndefined();
  });

  it('builds the same order from the same inputs', () => {
    // Act / Assess
    expect(placed()).toEqual(placed());
  });
});

const cancelledOf = (order: ReturnType<typeof placed>) => ({
  ...order,
  status: 'CANCELLED' as const,
  cancelledAt: '2026-03-01T11:00:00.000Z',
});

describe('eventForChange', () => {
  it('is OrderPlaced for a new PLACED order and OrderCancelled for PLACED -> CANCELLED', () => {
    // Prepare
    const order = placed();

    // Act
    const onInsert = eventForChange({ before: undefined, after: order, customer });
    const onCancel = eventForChange({ before: order, after: cancelledOf(order), customer });

    // Assess
    expect(onInsert).toEqual(orderPlacedEvent(order, customer));
    expect(onCancel).toEqual(orderCancelledEvent(cancelledOf(order), customer));
  });

  it('is nothing for any other change', () => {
    const order = placed();
    const cancelled = cancelledOf(order);
    expect(eventForChange({ before: order, after: undefined, customer })).toBeUndefined();
    expect(eventForChange({ before: order, after: order, customer })).toBeUndefined();
    expect(eventForChange({ before: cancelled, after: cancelled, customer })).toBeUndefined();
    expect(eventForChange({ before: undefined, after: cancelled, customer })).toBeUndefined();
  });
});

describe('order events', () => {
  it('builds version 1 events that satisfy the shared contract', () => {
    // Prepare
    const order = placed();
    const cancelled = cancelledOf(order);

    // Act
    const events = [orderPlacedEvent(order, customer), orderCancelledEvent(cancelled, customer)];

    // Assess
    for (const event of events) expect(orderEventSchema.parse(event)).toEqual(event);
    expect(events.map((event) => event.type)).toEqual(['OrderPlaced', 'OrderCancelled']);
    expect(events[1]?.occurredAt).toBe('2026-03-01T11:00:00.000Z');
    expect(events[0]?.customer).toEqual({ id: customer.id, email: customer.email });
  });

  it('derives a stable, distinct version-5 UUID per order and event type', () => {
    // Act
    const placedId = eventIdFor('01JNR8W3D2C6VQ5B2T0Y8M4K1A', 'OrderPlaced');

    // Assess
    expect(placedId).toBe(eventIdFor('01JNR8W3D2C6VQ5B2T0Y8M4K1A', 'OrderPlaced'));
    expect(placedId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(placedId).not.toBe(eventIdFor('01JNR8W3D2C6VQ5B2T0Y8M4K1A', 'OrderCancelled'));
    expect(placedId).not.toBe(eventIdFor('01JNR8W3D2C6VQ5B2T0Y8M4K1B', 'OrderPlaced'));
  });
});
