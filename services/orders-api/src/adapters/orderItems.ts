import {
  type OrderEvent,
  orderEventSchema,
  orderSnapshotSchema,
} from '@shop/contracts/orderEvents';
import type { Order } from '../domain/Order.js';
import type { IdempotencyRecord, StoredOrder } from '../domain/ports.js';

// The single-table layout of OrdersTable:
//
//   pk                                  sk                    item
//   CUSTOMER#<customerId>               ORDER#<orderId>       an order (+ its outbox)
//   IDEMPOTENCY#<customerId>#<key>      IDEMPOTENCY           an idempotency key binding
//
// Order ids are ULIDs, so sorting sk descending lists a customer's orders newest first.
// Customer ids never contain `#` (CUSTOMER_ID_PATTERN), so keys cannot collide.
// Outbox attributes on an order: pendingEvent (the event JSON), pendingEventId, and while a
// request is publishing it, leaseId and leaseUntil (epoch ms). While an event is pending the
// order also carries outboxKey (always PENDING) and outboxSince, the keys of the sparse
// PendingEvents index through which the outbox relay finds abandoned events.

export const ORDER_SK_PREFIX = 'ORDER#';
const IDEMPOTENCY_SK = 'IDEMPOTENCY';
export const PENDING_EVENTS_INDEX = 'PendingEvents';
export const OUTBOX_KEY = 'PENDING';
const OUTBOX_ATTRIBUTES = [
  'pendingEvent',
  'pendingEventId',
  'leaseId',
  'leaseUntil',
  'outboxKey',
  'outboxSince',
];
const KEY_ATTRIBUTES = ['pk', 'sk', 'entity'];

export type Item = Record<string, unknown>;

export const customerPk = (customerId: string) => `CUSTOMER#${customerId}`;

export const orderKey = (customerId: string, orderId: string) => ({
  pk: customerPk(customerId),
  sk: `${ORDER_SK_PREFIX}${orderId}`,
});

export const idempotencyKey = (customerId: string, key: string) => ({
  pk: `IDEMPOTENCY#${customerId}#${key}`,
  sk: IDEMPOTENCY_SK,
});

export const orderToItem = (order: Order, pendingEvent: OrderEvent): Item => ({
  ...orderKey(order.customerId, order.orderId),
  entity: 'Order',
  ...order,
  pendingEvent: JSON.stringify(pendingEvent),
  pendingEventId: pendingEvent.eventId,
  outboxKey: OUTBOX_KEY,
  outboxSince: order.createdAt,
});

/** customerId and orderId back from an order's keys. */
export const orderRefFromKey = (item: Item): { customerId: string; orderId: string } => ({
  customerId: String(item.pk).slice('CUSTOMER#'.length),
  orderId: String(item.sk).slice(ORDER_SK_PREFIX.length),
});

/** Parse an order item; the contract schema guards against items written by older code. */
export const itemToStoredOrder = (item: Item): StoredOrder => {
  const fields = Object.fromEntries(
    Object.entries(item).filter(
      ([name]) => !KEY_ATTRIBUTES.includes(name) && !OUTBOX_ATTRIBUTES.includes(name),
    ),
  );
  const order = orderSnapshotSchema.parse(fields);
  if (typeof item.pendingEvent !== 'string') return { order };
  return { order, pendingEvent: orderEventSchema.parse(JSON.parse(item.pendingEvent)) };
};

export const idempotencyToItem = (record: IdempotencyRecord): Item => ({
  ...idempotencyKey(record.customerId, record.key),
  entity: 'IdempotencyKey',
  fingerprint: record.fingerprint,
  orderId: record.orderId,
  createdAt: record.createdAt,
  expiresAt: record.expiresAt,
});

export const itemToIdempotency = (
  customerId: string,
  key: string,
  item: Item,
): IdempotencyRecord => ({
  customerId,
  key,
  fingerprint: String(item.fingerprint),
  orderId: String(item.orderId),
  createdAt: String(item.createdAt),
  expiresAt: Number(item.expiresAt),
});
