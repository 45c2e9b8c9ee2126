import type { OrderEvent } from '@shop/contracts/orderEvents';
import type { OrderEventQueue, Runtime } from '../../src/domain/ports.js';

/**
 * Records what reaches the queue. `rejectNext(n)` makes the next n events be refused (as
 * SendMessageBatch reports failed entries); `failNextBatch()` makes the next request throw.
 */
export class FakeEventQueue implements OrderEventQueue {
  readonly sent: OrderEvent[] = [];
  readonly batches: OrderEvent[][] = [];
  readonly quarantined: { record: unknown; reason: string }[] = [];
  #reject = 0;
  #throw = 0;
  failQuarantine = false;

  rejectNext(count = 1) {
    this.#reject = count;
  }

  failNextBatch(count = 1) {
    this.#throw = count;
  }

  async sendBatch(events: readonly OrderEvent[]): Promise<string[]> {
    if (events.length > 10) throw new Error('SendMessageBatch takes at most 10 entries');
    this.batches.push([...events]);
    if (this.#throw > 0) {
      this.#throw -= 1;
      throw new Error('queue unavailable');
    }
    const failed: string[] = [];
    for (const event of events) {
      if (this.#reject > 0) {
        this.#reject -= 1;
        failed.push(event.eventId);
      } else {
        this.sent.push(event);
      }
    }
    return failed;
  }

  async quarantine(record: unknown, reason: string): Promise<void> {
    if (this.failQuarantine) throw new Error('dead-letter queue unavailable');
    this.quarantined.push({ record, reason });
  }
}

/** A clock that advances only when told, and predictable time-ordered ids. */
export const fakeRuntime = (start = Date.parse('2026-03-01T10:00:00.000Z')) => {
  let now = start;
  let orderSeq = 0;
  const runtime: Runtime & { advance(ms: number): void } = {
    now: () => new Date(now),
    // Valid ULIDs that sort by creation order.
    newOrderId: () => {
      orderSeq += 1;
      return `01J${String(orderSeq).padStart(23, '0')}`;
    },
    advance: (ms) => {
      now += ms;
    },
  };
  return runtime;
};
