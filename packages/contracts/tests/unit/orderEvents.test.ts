import { describe, expect, it } from 'vitest';
import { type OrderEvent, orderEventSchema } from '../../src/orderEvents.js';

const placed: OrderEvent = {
  type: 'OrderPlaced',
  version: 1,
  eventId: '3f0c9c1e-8a4f-4b8e-9a53-2b1f0a6f7c11',
  occurredAt: '2026-11-22T10:00:00.000Z',
  customer: { id: 'cust-1', email: 'ada@example.com' },
  order: {
    orderId: '01JD000000000000000000000A',
    customerId: 'cust-1',
    status: 'PLACED',
    currency: 'EUR',
    items: [{ sku: 'MUG-1', quantity: 2, unitPrice: 1250, lineTotal: 2500 }],
    total: 2500,
    shippingAddress: {
      name: 'Ada',
      line1: '1 Main St',
      city: 'Berlin',
      postalCode: '10115',
      country: 'DE',
    },
    createdAt: '2026-11-22T10:00:00.000Z',
  },
};

describe('orderEventSchema', () => {
  it('accepts a version 1 OrderPlaced event', () => {
    expect(orderEventSchema.parse(placed)).toEqual(placed);
  });

  it('rejects unknown types and versions', () => {
    expect(orderEventSchema.safeParse({ ...placed, type: 'OrderShipped' }).success).toBe(false);
    expect(orderEventSchema.safeParse({ ...placed, version: 2 }).success).toBe(false);
  });

  it('rejects non-integer amounts and malformed codes', () => {
    const order = { ...placed.order, total: 25.5 };
    expect(orderEventSchema.safeParse({ ...placed, order }).success).toBe(false);
    const eur = { ...placed.order, currency: 'eur' };
    expect(orderEventSchema.safeParse({ ...placed, order: eur }).success).toBe(false);
  });
});
