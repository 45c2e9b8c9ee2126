import type { OrderEvent } from '@shop/contracts/orderEvents';
import type { OrderEventQueue, Runtime, SendFailure } from '../../src/domain/ports.js';

/**
 * Records what reaches the queue. `rejectNext(n)` makes the next n events fail on the queue's
 * side, `refuseNext(n)` makes SQS refuse them as such (`SenderFault`), as SendMessageBatch
 * reports failed entries; `failNextBatch()` makes the next request throw.
 */
export class FakeEventQueue implements OrderEventQueue {
  readonly sent: OrderEvent[] = [];
  readonly batches: OrderEvent[][] = [];
  readonly quarantined: { record: unknown; reason: string }[] = [];
  #reject = 0;
  #refuse = 0;
  #throw = 0;
  failQuarantine = false;

  rejectNext(count = 1) {
    this.#reject = count;
  }

  refuseNext(count = 1) {
    this.#refuse = count;
  }

  failNextBatch(count = 1) {
    this.#throw = count;
  }

  async sendBatch(events: readonly OrderEvent[]): Promise<SendFailure[]> {
    if (events.length > 10) throw new Error('SendMessageBatch takes at most 10 entries');
    this.batches.push([...events]);
    if (this.#throw > 0) {
      this.#throw -= 1;
      throw new Error('queue unavailable');
    }
    const failed: SendFailure[] = [];
    for (const event of events) {
      if (this.#reject > 0) {
        this.#reject -= 1;
        failed.push({ eventId: event.eventId });
      } else if (this.#refuse > 0) {
        this.#refuse -= 1;
        failed.push({ eventId: event.eventId, refused: 'InvalidParameterValue: refused' });
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
