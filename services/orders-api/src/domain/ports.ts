import type { OrderEvent } from '@shop/contracts/orderEvents';
import type { Order } from './Order.js';

/** An order with its outbox: the event that still has to reach the queue, if any. */
export interface StoredOrder {
  order: Order;
  pendingEvent?: OrderEvent;
}

/** What an idempotency key is bound to: the first request's fingerprint and order. */
export interface IdempotencyRecord {
  customerId: string;
  key: string;
  fingerprint: string;
  orderId: string;
  createdAt: string;
  /** Epoch seconds after which the table may forget the key (DynamoDB TTL). */
  expiresAt: number;
}

/** Identifies an order's pending event for the lease operations. */
export interface PendingEventRef {
  customerId: string;
  orderId: string;
  eventId: string;
}

/** A page of a customer's orders, newest first. */
export interface OrderPage {
  orders: Order[];
  /** Set when more orders follow: the id of the last order on this page. */
  lastOrderId?: string;
}

/**
 * Order storage. Every write is a single-item conditional write (no transactions), which is
 * what the idempotency and outbox protocols in placeOrder/deliverPendingEvent are built on.
 */
export interface OrderRepository {
  /** Store the record unless the key exists; either way return the record that is stored. */
  claimIdempotencyKey(record: IdempotencyRecord): Promise<IdempotencyRecord>;
  /** Store a new order with its pending event; `created: false` if the order already exists. */
  createOrder(order: Order, pendingEvent: OrderEvent): Promise<{ created: boolean }>;
  /** Strongly consistent read through the customer's own key. */
  getOrder(customerId: string, orderId: string): Promise<StoredOrder | undefined>;
  listOrders(customerId: string, options: { limit: number; after?: string }): Promise<OrderPage>;
  /** Orders whose event has been pending since before the given time, oldest first. */
  listStalePendingEvents(
    pendingBefore: string,
    limit: number,
  ): Promise<{ customerId: string; orderId: string }[]>;
  /**
   * PLACED -> CANCELLED with the OrderCancelled event as the new pending event, only if the
   * order is PLACED and has no pending event. Returns false when that condition fails.
   */
  markCancelled(order: Order, pendingEvent: OrderEvent): Promise<boolean>;
  /** Take the lease on the pending event unless another unexpired lease holds it. */
  claimPendingEvent(
    ref: PendingEventRef,
    lease: { leaseId: string; now: number; until: number },
  ): Promise<boolean>;
  /** Give a lease back after a failed publish, so a retry can take it at once. */
  releasePendingEvent(ref: PendingEventRef, leaseId: string): Promise<void>;
  /** The event reached the queue: clear the outbox. */
  completePendingEvent(ref: PendingEventRef): Promise<void>;
  /** Delete an order whose event was never published (keyless requests only). */
  discardUnpublishedOrder(ref: PendingEventRef): Promise<void>;
}

/** The order event queue. */
export interface OrderEventPublisher {
  /** Resolves once the queue has accepted the event. */
  publish(event: OrderEvent): Promise<void>;
}

/** Time and randomness, injected so use cases are deterministic under test. */
export interface Runtime {
  now(): Date;
  sleep(ms: number): Promise<void>;
  newOrderId(now: Date): string;
  newLeaseId(): string;
}
