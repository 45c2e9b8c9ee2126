import { beforeAll, describe, expect, it } from 'vitest';
import type { OrderRepository } from '../../src/domain/ports.js';
import { customer, sampleOrder } from './fixtures.js';

let sequence = 0;
const newOrder = (customerId = customer.id, createdAt = '2026-03-01T10:00:00.000Z') => {
  sequence += 1;
  return sampleOrder(`01JNR8W3D2C6VQ5B2T0Y8M${String(sequence).padStart(4, '0')}`, {
    customerId,
    createdAt,
  });
};
const stored = (order = newOrder()) => ({ order, customerEmail: customer.email });

/**
 * What every OrderRepository promises (DynamoDBOrderRepository on a real table, and the
 * in-memory fake the use-case tests run on): one shared body, so the fake cannot drift.
 *
 * @param options.atomicConcurrentWrites false on a backend whose conditional writes are not
 *   atomic under concurrency (moto): that case is then DynamoDB's guarantee, not checked.
 */
export const orderRepositoryContract = (
  name: string,
  makeRepository: () => Promise<OrderRepository>,
  options: { atomicConcurrentWrites?: boolean } = {},
) =>
  describe(`${name} (OrderRepository contract)`, () => {
    let repository: OrderRepository;
    beforeAll(async () => {
      repository = await makeRepository();
    });

    it('writes an order once and gives the stored one back on a second write', async () => {
      // Prepare
      const first = { ...stored(), requestFingerprint: 'f-1' };

      // Act
      const created = await repository.createOrder(first);
      const again = await repository.createOrder({
        ...first,
        order: { ...first.order, total: 1 },
        requestFingerprint: 'f-2',
      });

      // Assess
      expect(created).toEqual({ created: true });
      expect(again).toEqual({ created: false, existing: first });
      expect(await repository.getOrder(customer.id, first.order.orderId)).toEqual(first);
      expect(await repository.getOrder('cust-other', first.order.orderId)).toBeUndefined();
    });

    // moto's conditional writes are not atomic under concurrency (see shared notes): this
    // guarantee is DynamoDB's, checked on the embedded backend, whose writes are.
    it.skipIf(options.atomicConcurrentWrites === false)(
      'lets exactly one of twenty concurrent writes of one order id win',
      async () => {
        // Prepare
        const order = newOrder();

        // Act
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            repository.createOrder({ ...stored(order), requestFingerprint: `f-${i}` }),
          ),
        );

        // Assess
        const winners = results.filter((result) => result.created);
        expect(winners).toHaveLength(1);
        const kept = (await repository.getOrder(customer.id, order.orderId))?.requestFingerprint;
        for (const result of results) {
          if (!result.created) expect(result.existing.requestFingerprint).toBe(kept);
        }
      },
    );

    it('cancels a PLACED order once; a second cancel and an unknown order change nothing', async () => {
      // Prepare
      const { order } = stored();
      await repository.createOrder(stored(order));

      // Act
      const cancelled = await repository.cancelOrder(
        customer.id,
        order.orderId,
        '2026-03-01T11:00:00.000Z',
      );
      const again = await repository.cancelOrder(
        customer.id,
        order.orderId,
        '2026-03-01T12:00:00.000Z',
      );
      const unknown = await repository.cancelOrder(customer.id, '01JNR8W3D2C6VQ5B2T0Y8MZZZZ', 'x');

      // Assess
      const cancelledOrder = {
        ...order,
        status: 'CANCELLED',
        cancelledAt: '2026-03-01T11:00:00.000Z',
      };
      expect(cancelled).toEqual({ result: 'cancelled', order: cancelledOrder });
      // The conflict names the order as it is (cancelled by the first call), not the request.
      expect(again).toEqual({ result: 'conflict', order: cancelledOrder });
      expect(unknown).toEqual({ result: 'missing' });
      expect((await repository.getOrder(customer.id, order.orderId))?.order).toEqual(
        cancelledOrder,
      );
    });

    it("pages through one customer's orders newest first by creation time, whatever the ids", async () => {
      // Prepare: ids in the opposite order of creation (as ids derived from keys can be).
      const owner = 'cust-pages';
      const orders = Array.from({ length: 5 }, (_, i) =>
        newOrder(owner, `2026-03-01T10:0${9 - i}:00.000Z`),
      );
      for (const order of orders) await repository.createOrder(stored(order));
      await repository.createOrder(stored(newOrder('cust-pages-2', '2026-03-01T12:00:00.000Z')));

      // Act
      const first = await repository.listOrders(owner, { limit: 2 });
      const second = await repository.listOrders(owner, {
        limit: 2,
        ...(first.last && { after: first.last }),
      });
      const third = await repository.listOrders(owner, {
        limit: 2,
        ...(second.last && { after: second.last }),
      });

      // Assess
      const ids = [...first.orders, ...second.orders, ...third.orders].map(
        (order) => order.orderId,
      );
      expect(ids).toEqual(orders.map((order) => order.orderId));
      expect(third.last).toBeUndefined();
      expect(first.orders[0]).not.toHaveProperty('customerEmail');
    });
  });
