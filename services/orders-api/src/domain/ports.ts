import type { OrderEvent } from '@shop/contracts/orderEvents';
import type { Order } from './Order.js';

/** An order as stored: the order itself plus what the table keeps beside it. */
export interface StoredOrder {
  order: Order;
  /** The customer's address, carried into the order's events (never returned by the API). */
  customerEmail: string;
  /** Fingerprint of the request that placed it, for orders placed with an Idempotency-Key. */
  requestFingerprint?: string;
}

/** Where the next page of a customer's orders starts: after this order. */
export interface PagePosition {
  orderId: string;
  createdAt: string;
}

/** A page of a customer's orders, newest first. */
export interface OrderPage {
  orders: Order[];
  /** Set when more orders follow: the last order on this page. */
  last?: PagePosition;
}

/**
 * Order storage. Every write is one conditional write on one item: the table's stream turns
 * each successful write into the order's event, so nothing else has to be written with it.
 */
export interface OrderRepository {
  /**
   * Store a new order unless one with its id exists. `created: false` returns the order that
   * is stored under that id instead; a write retried after it was applied (its answer lost)
   * is `created: true`.
   */
  createOrder(
    stored: StoredOrder,
  ): Promise<{ created: true } | { created: false; existing: StoredOrder }>;
  /** Strongly consistent read through the customer's own key. */
  getOrder(customerId: string, orderId: string): Promise<StoredOrder | undefined>;
  listOrders(
    customerId: string,
    options: { limit: number; after?: PagePosition },
  ): Promise<OrderPage>;
  /**
   * PLACED -> CANCELLED in one conditional write. `cancelled` with the cancelled order;
   * `conflict` with the order as stored when it is not PLACED; `missing` when there is no such
   * order. A write retried after it was applied (its answer lost) is this call's own: the
   * cancelled order, not a conflict.
   */
  cancelOrder(customerId: string, orderId: string, cancelledAt: string): Promise<CancelResult>;
}

/** What a cancel found. */
export type CancelResult =
  | { result: 'cancelled'; order: Order }
  | { result: 'conflict'; order: Order }
  | { result: 'missing' };

/** Time and randomness, injected so use cases are deterministic under test. */
export interface Runtime {
  now(): Date;
  /** A new time-ordered order id (ULID) for a request without an Idempotency-Key. */
  newOrderId(now: Date): string;
}

/** An event the queue did not accept. */
export interface SendFailure {
  eventId: string;
  /**
   * Set when the queue refused the event itself (`SenderFault`: sending it again can never
   * succeed), with the queue's reason; absent for a failure on the queue's side (retried).
   */
  refused?: string;
}

/** OrderEventsQueue (FIFO: group = order id, deduplication id = event id). */
export interface OrderEventQueue {
  /**
   * Send up to 10 events of distinct orders in one request. Resolves with the events the
   * queue did not accept (empty when all were accepted), in the order they were given.
   */
  sendBatch(events: readonly OrderEvent[]): Promise<SendFailure[]>;
  /** Keep a record that is no valid order change, whole, with the reason, for an operator. */
  quarantine(record: unknown, reason: string): Promise<void>;
}

/** The signing key material: current, and previous during a rotation. */
export interface KeyVersions {
  current: string;
  previous?: string;
}

/** Where the signing key's versions come from (Secrets Manager, cached). */
export interface SigningKeys {
  /** The current and previous versions, served from a cache. */
  current(): Promise<KeyVersions>;
  /**
   * Read the versions again now, so a token signed with a just-rotated key can verify. A
   * failure leaves the cached versions in place.
   */
  refresh?(): Promise<KeyVersions>;
}

/** Who a valid token identifies. */
export interface Identity {
  customerId: string;
  email: string;
  /** The token's `exp` (seconds since the epoch). */
  expiresAt: number;
}

/** Why a request is not authenticated (for logs and the WWW-Authenticate header). */
export type AuthFailure = 'missing_token' | 'invalid_token' | 'expired_token';

export type Verification = { ok: true; identity: Identity } | { ok: false; reason: AuthFailure };

/** Verifies the bearer token of an `Authorization` header. */
export interface TokenVerifier {
  /**
   * `ok` with the identity for a valid token, the reason otherwise.
   * @throws when the signing keys cannot be read (a server problem, not the caller's).
   */
  verify(authorizationHeader: string | undefined): Promise<Verification>;
}
