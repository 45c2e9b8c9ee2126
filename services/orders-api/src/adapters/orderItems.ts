import { orderSnapshotSchema } from '@shop/contracts/orderEvents';
import type { Order } from '../domain/Order.js';
import type { PagePosition, StoredOrder } from '../domain/ports.js';

// The layout of OrdersTable:
//
//   pk                       sk                 item
//   CUSTOMER#<customerId>    ORDER#<orderId>    an order
//
// Beside the order's own fields an item carries `entity` ("Order"), `customerEmail` (for the
// order's events, never returned by the API), for orders placed with an Idempotency-Key,
// `requestFingerprint`, and for cancelled ones `cancelWriteId` (which request cancelled it).
// The local secondary index ByCreatedAt (pk, createdAt) lists a customer's orders newest
// first; order ids derived from an Idempotency-Key are not time-ordered.
// Customer ids never contain `#` (CUSTOMER_ID_PATTERN), so keys cannot collide.
// Every write to an order reaches the table's stream, from which the events publisher builds
// OrderPlaced / OrderCancelled (the template's FilterCriteria match `entity` and `status`).

export const ORDER_SK_PREFIX = 'ORDER#';
export const ORDER_ENTITY = 'Order';
export const BY_CREATED_AT_INDEX = 'ByCreatedAt';
/** The id of the cancel request that cancelled the order (never returned). */
export const CANCEL_WRITE_ID = 'cancelWriteId';
const STORED_ATTRIBUTES = new Set([
  'pk',
  'sk',
  'entity',
  'customerEmail',
  'requestFingerprint',
  CANCEL_WRITE_ID,
]);

export type Item = Record<string, unknown>;

export const customerPk = (customerId: string) => `CUSTOMER#${customerId}`;

export const orderKey = (customerId: string, orderId: string) => ({
  pk: customerPk(customerId),
  sk: `${ORDER_SK_PREFIX}${orderId}`,
});

/** The LSI's ExclusiveStartKey for the page after `position`. */
export const pageStartKey = (customerId: string, position: PagePosition) => ({
  ...orderKey(customerId, position.orderId),
  createdAt: position.createdAt,
});

export const storedOrderToItem = (stored: StoredOrder): Item => ({
  ...orderKey(stored.order.customerId, stored.order.orderId),
  entity: ORDER_ENTITY,
  ...stored.order,
  customerEmail: stored.customerEmail,
  ...(stored.requestFingerprint === undefined
    ? {}
    : { requestFingerprint: stored.requestFingerprint }),
});

/** The order in an item; the contract schema guards against items written by other code. */
export const itemToOrder = (item: Item): Order =>
  orderSnapshotSchema.parse(
    Object.fromEntries(Object.entries(item).filter(([name]) => !STORED_ATTRIBUTES.has(name))),
  );

export const itemToStoredOrder = (item: Item): StoredOrder => ({
  order: itemToOrder(item),
  customerEmail: String(item.customerEmail),
  ...(typeof item.requestFingerprint === 'string'
    ? { requestFingerprint: item.requestFingerprint }
    : {}),
});
