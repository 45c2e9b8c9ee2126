import type { OrderEvent } from '@shop/contracts/orderEvents';
import { describe, expect, it } from 'vitest';
import { orderCancelledEvent, orderPlacedEvent } from '../../src/domain/Order.js';
import { type OrderChangeRecord, publishOrderEvents } from '../../src/domain/publishOrderEvents.js';
import { FakeEventQueue } from '../support/fakes.js';
import { cancelledOrder, customer, sampleOrder } from '../support/fixtures.js';

const order = (n: number) => sampleOrder(`01J${String(n).padStart(23, '0')}`);
const placed = (n: number) => orderPlacedEvent(order(n), customer);
const cancelled = (n: number) => orderCancelledEvent(cancelledOrder(order(n)), customer);

let seq = 0;
const records = (...events: OrderEvent[]): OrderChangeRecord[] =>
  events.map((event) => {
    seq += 1;
    return { id: String(seq), event };
  });
const ids = (events: readonly OrderEvent[]) => events.map((e) => `${e.type}:${e.order.orderId}`);

describe('publishOrderEvents', () => {
  it('sends every event in stream order, at most 10 per request', async () => {
    // Prepare
    const queue = new FakeEventQueue();
    const events = Array.from({ length: 23 }, (_, i) => placed(i + 1));

    // Act
    const result = await publishOrderEvents(records(...events), { queue });

    // Assess
    expect(result.failedRecordId).toBeUndefined();
    expect(ids(queue.sent)).toEqual(ids(events));
    expect(queue.batches.map((b) => b.length)).toEqual([10, 10, 3]);
    expect(result.published).toHaveLength(23);
  });

  it('never puts two events of one order in the same request', async () => {
    // Prepare
    const queue = new FakeEventQueue();

    // Act
    await publishOrderEvents(records(placed(1), placed(2), cancelled(1), placed(3)), { queue });

    // Assess
    expect(queue.batches.map(ids)).toEqual([
      ['OrderPlaced:01J00000000000000000000001', 'OrderPlaced:01J00000000000000000000002'],
      ['OrderCancelled:01J00000000000000000000001', 'OrderPlaced:01J00000000000000000000003'],
    ]);
  });

  it('stops at the first rejected event and reports its record, so the cancel never overtakes', async () => {
    // Prepare
    const queue = new FakeEventQueue();
    const batch = records(placed(1), placed(2), cancelled(1));
    queue.rejectNext(1); // OrderPlaced of order 1

    // Act
    const result = await publishOrderEvents(batch, { queue });

    // Assess
    expect(result.failedRecordId).toBe(batch[0]?.id);
    expect(ids(queue.sent)).toEqual(['OrderPlaced:01J00000000000000000000002']);
    expect(queue.batches).toHaveLength(1); // the cancellation was not even tried
  });

  it('quarantines an event the queue refuses as such, in its place, and goes on', async () => {
    // Prepare
    const queue = new FakeEventQueue();
    const batch = records(placed(1), placed(2), cancelled(1));
    queue.refuseNext(1); // OrderPlaced of order 1: sending it again could never succeed

    // Act
    const result = await publishOrderEvents(batch, { queue });

    // Assess
    expect(result.failedRecordId).toBeUndefined();
    expect(result.quarantined).toBe(1);
    expect(queue.quarantined).toEqual([
      { record: placed(1), reason: 'queue refused the event: InvalidParameterValue: refused' },
    ]);
    expect(ids(queue.sent)).toEqual([
      'OrderPlaced:01J00000000000000000000002',
      'OrderCancelled:01J00000000000000000000001',
    ]);
    expect(result.published.map((entry) => entry.id)).toEqual([batch[1]?.id, batch[2]?.id]);
    expect(result.refused).toEqual([
      {
        id: batch[0]?.id,
        event: placed(1),
        reason: 'queue refused the event: InvalidParameterValue: refused',
      },
    ]);
  });

  it('fails at a refused event it cannot quarantine, and sends nothing after it', async () => {
    // Prepare
    const queue = new FakeEventQueue();
    queue.failQuarantine = true;
    const batch = records(placed(1), placed(2), cancelled(1));
    queue.refuseNext(1);

    // Act
    const result = await publishOrderEvents(batch, { queue });

    // Assess
    expect(result.failedRecordId).toBe(batch[0]?.id);
    expect(queue.batches).toHaveLength(1);
    expect(result.published).toEqual([]);
  });

  it('reports the first record of a request that failed as a whole', async () => {
    // Prepare
    const queue = new FakeEventQueue();
    const batch = records(placed(1), placed(2));
    queue.failNextBatch();

    // Act
    const result = await publishOrderEvents(batch, { queue });

    // Assess
    expect(result.failedRecordId).toBe(batch[0]?.id);
    expect(queue.sent).toEqual([]);
    expect(result.published).toEqual([]);
  });

  it('quarantines an invalid record in its place and goes on', async () => {
    // Prepare
    const queue = new FakeEventQueue();
    const [first, , third] = records(placed(1), placed(2), placed(3));
    const batch: OrderChangeRecord[] = [
      first as OrderChangeRecord,
      { id: 'bad', invalid: 'total: expected number', record: { raw: true } },
      { id: 'skip', ignored: true },
      third as OrderChangeRecord,
    ];

    // Act
    const result = await publishOrderEvents(batch, { queue });

    // Assess
    expect(result).toMatchObject({ quarantined: 1, ignored: 1 });
    expect(result.failedRecordId).toBeUndefined();
    expect(queue.quarantined).toEqual([
      { record: { raw: true }, reason: 'total: expected number' },
    ]);
    expect(queue.batches.map(ids)).toEqual([
      ['OrderPlaced:01J00000000000000000000001'],
      ['OrderPlaced:01J00000000000000000000003'],
    ]);
  });

  it('fails at an invalid record it cannot quarantine', async () => {
    // Prepare
    const queue = new FakeEventQueue();
    queue.failQuarantine = true;
    const batch: OrderChangeRecord[] = [
      ...records(placed(1)),
      { id: 'bad', invalid: 'broken', record: {} },
      ...records(placed(2)),
    ];

    // Act
    const result = await publishOrderEvents(batch, { queue });

    // Assess
    expect(result.failedRecordId).toBe('bad');
    expect(ids(queue.sent)).toEqual(['OrderPlaced:01J00000000000000000000001']);
  });
});
