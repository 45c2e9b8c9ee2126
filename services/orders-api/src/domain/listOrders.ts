import type { CursorCodec } from './cursor.js';
import type { Order } from './Order.js';
import type { OrderRepository } from './ports.js';

export interface ListOrdersQuery {
  customerId: string;
  limit: number;
  cursor?: string;
}

export interface ListOrdersResult {
  orders: Order[];
  /** Opaque; pass it back as `cursor` for the next page. Absent on the last page. */
  nextCursor?: string;
}

/**
 * The customer's orders, newest first, one page at a time.
 *
 * @throws {InvalidCursorError} a cursor not issued to this customer.
 *
 * @example
 * const page = await listOrders({ customerId: 'c-1', limit: 20 }, { repository, cursors });
 */
export const listOrders = async (
  query: ListOrdersQuery,
  deps: { repository: OrderRepository; cursors: CursorCodec },
): Promise<ListOrdersResult> => {
  const after =
    query.cursor === undefined
      ? undefined
      : await deps.cursors.decode(query.customerId, query.cursor);
  const page = await deps.repository.listOrders(query.customerId, {
    limit: query.limit,
    ...(after === undefined ? {} : { after }),
  });
  if (page.last === undefined) return { orders: page.orders };
  return {
    orders: page.orders,
    nextCursor: await deps.cursors.encode(query.customerId, page.last),
  };
};
