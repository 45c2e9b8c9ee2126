import { monotonicFactory } from 'ulid';
import type { Runtime } from '../domain/ports.js';

/**
 * The real clock and id source. Order ids are monotonic ULIDs: within one container, orders
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
    newOrderId: (now) => nextUlid(now.getTime()),
  };
};
