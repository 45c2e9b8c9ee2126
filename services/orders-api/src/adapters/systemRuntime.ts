import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { monotonicFactory } from 'ulid';
import type { Runtime } from '../domain/ports.js';

/**
 * The real clock and id sources. Order ids are monotonic ULIDs: within one container, orders
 * placed in the same millisecond still sort in the order they were placed.
 *
 * @example
 * const runtime = systemRuntime();
 * runtime.newOrderId(runtime.now()); // '01JD6Z...'
 */
export const systemRuntime = (): Runtime => {
  const nextUlid = monotonicFactory();
  return {
    now: () => new Date(),
    sleep: async (ms) => {
      await delay(ms);
    },
    newOrderId: (now) => nextUlid(now.getTime()),
    newLeaseId: () => randomUUID(),
  };
};
