import { randomUUID } from 'node:crypto';
import type {
  OrderCancelledEvent,
  OrderEvent,
  OrderPlacedEvent,
  OrderSnapshot,
} from '@shop/contracts/orderEvents';
import { queueArn, sqsRecord } from '@shop/testing/sqsEvents';
import type { SQSRecord } from 'aws-lambda';

// Test data builders for order events (valid against @shop/contracts unless a test breaks them).

export const baseOrder = (overrides: Partial<OrderSnapshot> = {}): OrderSnapshot => ({
  orderId: '01JD8Z3Q5W6X7Y8Z9A0B1C2D3E',
  customerId: 'cust-42',
  status: 'PLACED',
  currency: 'EUR',
  items: [
    { sku: 'MUG-BLUE', quantity: 2, unitPrice: 1250, lineTotal: 2500 },
    { sku: 'TEA-EARLGREY-100G', quantity: 1, unitPrice: 899, lineTotal: 899 },
  ],
  total: 3399,
  shippingAddress: {
    name: 'Ada Lovelace',
    line1: '12 Analytical Engine Street',
    line2: 'Flat 3',
    city: 'London',
    postalCode: 'NW1 6XE',
    country: 'GB',
  },
  note: 'Please leave the parcel with the neighbour.',
  createdAt: '2026-11-22T10:00:00.000Z',
  ...overrides,
});

export const orderPlaced = (overrides: Partial<OrderPlacedEvent> = {}): OrderPlacedEvent => ({
  type: 'OrderPlaced',
  version: 1,
  eventId: randomUUID(),
  occurredAt: '2026-11-22T10:00:00.000Z',
  order: baseOrder(),
  customer: { id: 'cust-42', email: 'ada@example.com' },
  ...overrides,
});

export const orderCancelled = (
  overrides: Partial<OrderCancelledEvent> = {},
): OrderCancelledEvent => ({
  type: 'OrderCancelled',
  version: 1,
  eventId: randomUUID(),
  occurredAt: '2026-11-23T08:30:00.000Z',
  order: baseOrder({ status: 'CANCELLED', cancelledAt: '2026-11-23T08:30:00.000Z' }),
  customer: { id: 'cust-42', email: 'ada@example.com' },
  ...overrides,
});

/** An order event with a fresh order id (so tests sharing a mailbox can find their mail). */
export const withOrderId = <E extends OrderEvent>(event: E, orderId: string): E => ({
  ...event,
  order: { ...event.order, orderId },
});

/** OrderEventsQueue's ARN in the records below (the FIFO queue of template.yaml). */
export const ORDER_EVENTS_QUEUE_ARN = queueArn('shop-OrderEventsQueue.fifo');

const fifoIdsOf = (body: string) => {
  let event: { eventId?: unknown; order?: { orderId?: unknown } } = {};
  try {
    event = JSON.parse(body);
  } catch {
    // A malformed body (a test of the parser) still gets a group of its own.
  }
  return {
    groupId: typeof event.order?.orderId === 'string' ? event.order.orderId : undefined,
    deduplicationId: typeof event.eventId === 'string' ? event.eventId : undefined,
  };
};

/**
 * A record of OrderEventsQueue.fifo as Lambda delivers it, with what the publisher sets:
 * `MessageGroupId` = the body's order id, `MessageDeduplicationId` = its event id (a fresh
 * group for a body without them; override with `groupId` / `deduplicationId`).
 *
 * @example
 * await handler(sqsEvent(orderEventRecord(JSON.stringify(orderPlaced()))), lambdaContext());
 */
export const orderEventRecord = (
  body: string,
  options: {
    messageId?: string;
    receiveCount?: number;
    groupId?: string;
    deduplicationId?: string;
  } = {},
): SQSRecord => {
  const fromBody = fifoIdsOf(body);
  const deduplicationId = options.deduplicationId ?? fromBody.deduplicationId;
  return sqsRecord(body, {
    ...(options.messageId === undefined ? {} : { messageId: options.messageId }),
    ...(options.receiveCount === undefined ? {} : { receiveCount: options.receiveCount }),
    queueArn: ORDER_EVENTS_QUEUE_ARN,
    fifo: {
      groupId: options.groupId ?? fromBody.groupId ?? randomUUID(),
      ...(deduplicationId === undefined ? {} : { deduplicationId }),
    },
  });
};
