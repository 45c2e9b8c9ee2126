import type { OrderEvent } from '@shop/contracts/orderEvents';
import type { OrderEventPublisher, Runtime } from '../../src/domain/ports.js';

/** Records published events; `failNext(n)` makes the next n publishes throw. */
export class FakePublisher implements OrderEventPublisher {
  readonly events: OrderEvent[] = [];
  #failures = 0;

  failNext(count = 1) {
    this.#failures = count;
  }

  async publish(event: OrderEvent): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.#failures > 0) {
      this.#failures -= 1;
      throw new Error('queue unavailable');
    }
    this.events.push(event);
  }
}

/** A clock that advances only when told (or when something sleeps), and predictable ids. */
export const fakeRuntime = (start = Date.parse('2026-03-01T10:00:00.000Z')) => {
  let now = start;
  let orderSeq = 0;
  let leaseSeq = 0;
  const runtime: Runtime & { advance(ms: number): void } = {
    now: () => new Date(now),
    sleep: async (ms) => {
      now += ms;
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
    // Valid ULIDs that sort by creation order.
    newOrderId: () => {
      orderSeq += 1;
      return `01J${String(orderSeq).padStart(23, '0')}`;
    },
    newLeaseId: () => {
      leaseSeq += 1;
      return `lease-${leaseSeq}`;
    },
    advance: (ms) => {
      now += ms;
    },
  };
  return runtime;
};
