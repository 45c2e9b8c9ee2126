import type { Order } from '../../src/domain/Order.js';
import type {
  CancelResult,
  OrderPage,
  OrderRepository,
  PagePosition,
  StoredOrder,
} from '../../src/domain/ports.js';

// Yield before every operation, so concurrent use cases interleave the way they do against a
// real table; each operation itself is atomic, like a single-item conditional write.
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

const newestFirst = (a: Order, b: Order) =>
  a.createdAt === b.createdAt
    ? a.orderId < b.orderId
      ? 1
      : -1
    : a.createdAt < b.createdAt
      ? 1
      : -1;

/**
 * A fake OrdersTable with DynamoDBOrderRepository's semantics: conditional puts, the
 * PLACED -> CANCELLED conditional update, newest-first pages. `changes` records every write
 * the way the table's stream would (old and new order), for tests of what events follow.
 */
export class InMemoryOrderRepository implements OrderRepository {
  readonly rows = new Map<string, StoredOrder>();
  readonly changes: { before?: StoredOrder; after: StoredOrder }[] = [];

  #key = (customerId: string, orderId: string) => `${customerId}/${orderId}`;

  async createOrder(stored: StoredOrder) {
    await tick();
    const id = this.#key(stored.order.customerId, stored.order.orderId);
    const existing = this.rows.get(id);
    if (existing) return { created: false as const, existing };
    this.rows.set(id, stored);
    this.changes.push({ after: stored });
    return { created: true as const };
  }

  async getOrder(customerId: string, orderId: string): Promise<StoredOrder | undefined> {
    await tick();
    return this.rows.get(this.#key(customerId, orderId));
  }

  async listOrders(
    customerId: string,
    options: { limit: number; after?: PagePosition },
  ): Promise<OrderPage> {
    await tick();
    const { after } = options;
    const all = [...this.rows.values()]
      .map((row) => row.order)
      .filter((order) => order.customerId === customerId)
      .sort(newestFirst)
      .filter(
        (order) =>
          after === undefined ||
          newestFirst(order, { ...order, orderId: after.orderId, createdAt: after.createdAt }) > 0,
      );
    const orders = all.slice(0, options.limit);
    const last = orders.at(-1);
    return all.length > options.limit && last
      ? { orders, last: { orderId: last.orderId, createdAt: last.createdAt } }
      : { orders };
  }

  async cancelOrder(
    customerId: string,
    orderId: string,
    cancelledAt: string,
  ): Promise<CancelResult> {
    await tick();
    const id = this.#key(customerId, orderId);
    const row = this.rows.get(id);
    if (row === undefined) return { result: 'missing' };
    if (row.order.status !== 'PLACED') return { result: 'conflict', order: row.order };
    const after = { ...row, order: { ...row.order, status: 'CANCELLED' as const, cancelledAt } };
    this.rows.set(id, after);
    this.changes.push({ before: row, after });
    return { result: 'cancelled', order: after.order };
  }
}
