import type { OrderEvent } from '@shop/contracts/orderEvents';
import type { Order } from '../../src/domain/Order.js';
import type {
  IdempotencyRecord,
  OrderPage,
  OrderRepository,
  PendingEventRef,
  StoredOrder,
} from '../../src/domain/ports.js';

interface Row {
  order: Order;
  pendingEvent?: OrderEvent;
  pendingSince?: string;
  lease?: { leaseId: string; until: number };
}

// Yield between the read and the write of every operation's caller, so concurrent use cases
// interleave the way they do against a real table; each operation itself is atomic, like a
// single-item conditional write.
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A fake OrdersTable with the same conditional-write semantics as DynamoDBOrderRepository. */
export class InMemoryOrderRepository implements OrderRepository {
  readonly rows = new Map<string, Row>();
  readonly keys = new Map<string, IdempotencyRecord>();

  #key = (customerId: string, orderId: string) => `${customerId}/${orderId}`;

  async claimIdempotencyKey(record: IdempotencyRecord): Promise<IdempotencyRecord> {
    await tick();
    const id = `${record.customerId}/${record.key}`;
    const existing = this.keys.get(id);
    if (existing) return existing;
    this.keys.set(id, record);
    return record;
  }

  async createOrder(order: Order, pendingEvent: OrderEvent) {
    await tick();
    const id = this.#key(order.customerId, order.orderId);
    if (this.rows.has(id)) return { created: false };
    this.rows.set(id, { order, pendingEvent, pendingSince: order.createdAt });
    return { created: true };
  }

  async getOrder(customerId: string, orderId: string): Promise<StoredOrder | undefined> {
    await tick();
    const row = this.rows.get(this.#key(customerId, orderId));
    if (!row) return undefined;
    return row.pendingEvent
      ? { order: row.order, pendingEvent: row.pendingEvent }
      : { order: row.order };
  }

  async listOrders(
    customerId: string,
    options: { limit: number; after?: string },
  ): Promise<OrderPage> {
    await tick();
    const all = [...this.rows.values()]
      .map((row) => row.order)
      .filter((order) => order.customerId === customerId)
      .filter((order) => options.after === undefined || order.orderId < options.after)
      .sort((a, b) => (a.orderId < b.orderId ? 1 : -1));
    const orders = all.slice(0, options.limit);
    const last = orders.at(-1);
    return all.length > options.limit && last ? { orders, lastOrderId: last.orderId } : { orders };
  }

  async listStalePendingEvents(pendingBefore: string, limit: number) {
    await tick();
    return [...this.rows.values()]
      .filter((row) => row.pendingSince !== undefined && row.pendingSince < pendingBefore)
      .sort((a, b) => ((a.pendingSince ?? '') < (b.pendingSince ?? '') ? -1 : 1))
      .slice(0, limit)
      .map((row) => ({ customerId: row.order.customerId, orderId: row.order.orderId }));
  }

  async markCancelled(order: Order, pendingEvent: OrderEvent): Promise<boolean> {
    await tick();
    const row = this.rows.get(this.#key(order.customerId, order.orderId));
    if (row?.order.status !== 'PLACED' || row.pendingEvent) return false;
    row.order = order;
    row.pendingEvent = pendingEvent;
    row.pendingSince = order.cancelledAt;
    delete row.lease;
    return true;
  }

  async claimPendingEvent(
    ref: PendingEventRef,
    lease: { leaseId: string; now: number; until: number },
  ): Promise<boolean> {
    await tick();
    const row = this.rows.get(this.#key(ref.customerId, ref.orderId));
    if (row?.pendingEvent?.eventId !== ref.eventId) return false;
    if (row.lease && row.lease.until >= lease.now) return false;
    row.lease = { leaseId: lease.leaseId, until: lease.until };
    return true;
  }

  async releasePendingEvent(ref: PendingEventRef, leaseId: string): Promise<void> {
    await tick();
    const row = this.rows.get(this.#key(ref.customerId, ref.orderId));
    if (row?.lease?.leaseId === leaseId) delete row.lease;
  }

  async completePendingEvent(ref: PendingEventRef): Promise<void> {
    await tick();
    const row = this.rows.get(this.#key(ref.customerId, ref.orderId));
    if (row?.pendingEvent?.eventId !== ref.eventId) return;
    delete row.pendingEvent;
    delete row.pendingSince;
    delete row.lease;
  }

  async discardUnpublishedOrder(ref: PendingEventRef): Promise<void> {
    await tick();
    const id = this.#key(ref.customerId, ref.orderId);
    if (this.rows.get(id)?.pendingEvent?.eventId === ref.eventId) this.rows.delete(id);
  }
}
