import type { OrderEvent } from '@shop/contracts/orderEvents';
import { beforeEach, describe, expect, it } from 'vitest';
import { orderCancelledEvent, orderPlacedEvent } from '../../src/domain/Order.js';
import type { OrderEventQueue } from '../../src/domain/ports.js';
import { cancelledOrder, customer, sampleOrder } from './fixtures.js';

/** A queue under test, and what reached its queue and its dead-letter queue. */
export interface QueueUnderTest {
  queue: OrderEventQueue;
  /** The events delivered on the queue since it was made, each once. */
  delivered(): Promise<OrderEvent[]>;
  /** What was quarantined in the dead-letter queue since it was made. */
  quarantined(): Promise<Array<{ record: unknown; reason: string }>>;
}

let sequence = 0;
const newOrder = () => {
  sequence += 1;
  return sampleOrder(`01JNR8W3D2C6VQ5B2T0Y8Q${String(sequence).padStart(4, '0')}`);
};
const cancelledEvent = (order: ReturnType<typeof newOrder>) =>
  orderCancelledEvent(cancelledOrder(order), customer);

/**
 * What every OrderEventQueue promises (SqsOrderEventQueue on a real FIFO queue and its
 * dead-letter queue, and the fake the publisher tests run on): one shared body, so the fake
 * cannot drift from the adapter.
 */
export const orderEventQueueContract = (name: string, make: () => Promise<QueueUnderTest>) =>
  describe(`${name} (OrderEventQueue contract)`, () => {
    let subject: QueueUnderTest;
    beforeEach(async () => {
      subject = await make();
    });

    it("delivers every event of a batch once, each order's events in order", async () => {
      // Prepare
      const first = newOrder();
      const second = newOrder();
      const events = [
        orderPlacedEvent(first, customer),
        orderPlacedEvent(second, customer),
        cancelledEvent(first),
      ];

      // Act
      const failed = await subject.queue.sendBatch(events);

      // Assess
      expect(failed).toEqual([]);
      const delivered = await subject.delivered();
      expect(delivered).toHaveLength(3);
      expect(delivered).toEqual(expect.arrayContaining(events));
      const ofFirst = delivered.filter((event) => event.order.orderId === first.orderId);
      expect(ofFirst.map((event) => event.type)).toEqual(['OrderPlaced', 'OrderCancelled']);
    });

    it('delivers an event whose text has characters SQS refuses in a body, unchanged', async () => {
      // Prepare: the contract takes U+FFFE and U+FFFF in text; SQS refuses them raw.
      const order = { ...newOrder(), note: 'a\uFFFEb\uFFFF c' };
      const event = orderPlacedEvent(order, customer);

      // Act
      const failed = await subject.queue.sendBatch([event]);

      // Assess
      expect(failed).toEqual([]);
      expect(await subject.delivered()).toEqual([event]);
    });

    it('sends nothing for an empty batch', async () => {
      // Act
      const failed = await subject.queue.sendBatch([]);

      // Assess
      expect(failed).toEqual([]);
      expect(await subject.delivered()).toEqual([]);
    });

    it('refuses a batch of more than 10 events, delivering none of them', async () => {
      // Prepare
      const events = Array.from({ length: 11 }, () => orderPlacedEvent(newOrder(), customer));

      // Act
      const outcome = subject.queue.sendBatch(events);

      // Assess
      await expect(outcome).rejects.toThrow();
      expect(await subject.delivered()).toEqual([]);
    });

    it('quarantines a record whole, with its reason', async () => {
      // Prepare
      const record = { eventID: 'e-1', dynamodb: { NewImage: { total: { S: 'not a number' } } } };

      // Act
      await subject.queue.quarantine(record, 'total: expected number');

      // Assess
      expect(await subject.quarantined()).toEqual([{ record, reason: 'total: expected number' }]);
      expect(await subject.delivered()).toEqual([]);
    });
  });
