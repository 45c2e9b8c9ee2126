import type { Backends, SentEmail } from '@shop/local-cloud';
import type { Delivery } from '../support/deliverFromQueue.js';

/** Short, so failed messages come back quickly; the template's queue uses 180 s. */
export const VISIBILITY_TIMEOUT_SECONDS = 1;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Poll until the queue has stayed empty for `untilEmptyFor` ms (long enough for failed
 * messages to become visible again), like an event source mapping running for a while.
 */
export const drain = async (
  deliver: (options: { deleteSucceeded?: boolean }) => Promise<Delivery>,
  options: { untilEmptyFor?: number; timeoutMs?: number } = {},
): Promise<Delivery[]> => {
  const untilEmptyFor = options.untilEmptyFor ?? 0;
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  const deliveries: Delivery[] = [];
  let emptySince: number | undefined;
  while (Date.now() < deadline) {
    const delivery = await deliver({});
    if (delivery.received.length > 0) {
      deliveries.push(delivery);
      emptySince = undefined;
      continue;
    }
    emptySince ??= Date.now();
    if (Date.now() - emptySince >= untilEmptyFor) return deliveries;
  }
  throw new Error(`queue not drained in time: ${JSON.stringify(deliveries)}`);
};

/** Emails the SES backend accepted for one order (subjects carry the order id). */
export const mailFor = async (backends: Backends, orderId: string): Promise<SentEmail[]> =>
  (await backends.sentEmails()).filter((email) => email.subject.includes(orderId));
