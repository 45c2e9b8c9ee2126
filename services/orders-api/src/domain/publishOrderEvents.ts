import type { OrderEvent } from '@shop/contracts/orderEvents';
import { MAX_BATCH_ENTRIES } from './constants.js';
import type { OrderEventQueue } from './ports.js';

/** One stream record, as the publisher sees it. */
export type OrderChangeRecord =
  /** A change that is an order event. */
  | { id: string; event: OrderEvent }
  /** A change that is no event (filtered out on AWS; possible in hand-made events). */
  | { id: string; ignored: true }
  /** A record that cannot be read as an order; kept whole in quarantine. */
  | { id: string; invalid: string; record: unknown };

export interface PublishResult {
  /** The events sent, with the id of the stream record each came from, in stream order. */
  published: { id: string; event: OrderEvent }[];
  ignored: number;
  quarantined: number;
  /** The first record that could not be handled: it and every later record are retried. */
  failedRecordId?: string;
}

/**
 * Send the events of a batch of stream records to the queue, strictly in stream order: up to
 * 10 per request but never two of one order in the same request (so a rejected OrderPlaced can
 * never be overtaken by its OrderCancelled), and nothing after the first failure, which is
 * reported so that the stream retries from that record. Records that cannot be read as an
 * order go to quarantine instead of blocking the shard; if even that fails, it is the failure.
 *
 * @example
 * const result = await publishOrderEvents(records, { queue });
 * return { batchItemFailures: result.failedRecordId ? [{ itemIdentifier: result.failedRecordId }] : [] };
 */
export const publishOrderEvents = async (
  records: readonly OrderChangeRecord[],
  deps: { queue: OrderEventQueue },
): Promise<PublishResult> => {
  const result: PublishResult = { published: [], ignored: 0, quarantined: 0 };
  let chunk: { id: string; event: OrderEvent }[] = [];

  // Sends the pending chunk; returns false (with failedRecordId set) if anything failed.
  const flush = async (): Promise<boolean> => {
    if (chunk.length === 0) return true;
    const sending = chunk;
    chunk = [];
    let rejected: Set<string>;
    try {
      rejected = new Set(await deps.queue.sendBatch(sending.map((entry) => entry.event)));
    } catch {
      rejected = new Set(sending.map((entry) => entry.event.eventId));
    }
    for (const entry of sending) {
      if (rejected.has(entry.event.eventId)) {
        result.failedRecordId = entry.id;
        return false;
      }
      result.published.push(entry);
    }
    return true;
  };

  for (const record of records) {
    if ('ignored' in record) {
      result.ignored += 1;
      continue;
    }
    if ('invalid' in record) {
      // Quarantine in order too: everything before it must be sent first.
      if (!(await flush())) return result;
      try {
        await deps.queue.quarantine(record.record, record.invalid);
        result.quarantined += 1;
      } catch {
        result.failedRecordId = record.id;
        return result;
      }
      continue;
    }
    const orderId = record.event.order.orderId;
    if (
      chunk.length === MAX_BATCH_ENTRIES ||
      chunk.some((entry) => entry.event.order.orderId === orderId)
    ) {
      if (!(await flush())) return result;
    }
    chunk.push({ id: record.id, event: record.event });
  }
  await flush();
  return result;
};
