import type { OrderEvent } from '@shop/contracts/orderEvents';
import { MAX_BATCH_ENTRIES } from './constants.js';
import type { OrderEventQueue, SendFailure } from './ports.js';

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
  /** Invalid records and refused events put in quarantine. */
  quarantined: number;
  /** The events the queue refused as such (quarantined), with the record each came from. */
  refused: { id: string; event: OrderEvent; reason: string }[];
  /** The first record that could not be handled: it and every later record are retried. */
  failedRecordId?: string;
}

/**
 * Send the events of a batch of stream records to the queue, strictly in stream order: up to
 * 10 per request but never two of one order in the same request (so a rejected OrderPlaced can
 * never be overtaken by its OrderCancelled), and nothing after the first failure, which is
 * reported so that the stream retries from that record. Records that cannot be read as an
 * order, and events the queue refuses as such (sending them again could never succeed), go to
 * quarantine instead of blocking the shard; if even that fails, it is the failure.
 *
 * @example
 * const result = await publishOrderEvents(records, { queue });
 * return { batchItemFailures: result.failedRecordId ? [{ itemIdentifier: result.failedRecordId }] : [] };
 */
export const publishOrderEvents = async (
  records: readonly OrderChangeRecord[],
  deps: { queue: OrderEventQueue },
): Promise<PublishResult> => {
  const result: PublishResult = { published: [], ignored: 0, quarantined: 0, refused: [] };
  let chunk: { id: string; event: OrderEvent }[] = [];

  // Puts a record aside in its place; returns false (with failedRecordId set) if that failed.
  const quarantine = async (id: string, record: unknown, reason: string): Promise<boolean> => {
    try {
      await deps.queue.quarantine(record, reason);
      result.quarantined += 1;
      return true;
    } catch {
      result.failedRecordId = id;
      return false;
    }
  };

  // Sends the pending chunk; returns false (with failedRecordId set) if anything failed.
  const flush = async (): Promise<boolean> => {
    if (chunk.length === 0) return true;
    const sending = chunk;
    chunk = [];
    let rejected: Map<string, SendFailure>;
    try {
      const failures = await deps.queue.sendBatch(sending.map((entry) => entry.event));
      rejected = new Map(failures.map((failure) => [failure.eventId, failure]));
    } catch {
      // The request failed as a whole: every event is retried.
      rejected = new Map(sending.map(({ event }) => [event.eventId, { eventId: event.eventId }]));
    }
    for (const entry of sending) {
      const failure = rejected.get(entry.event.eventId);
      if (failure === undefined) {
        result.published.push(entry);
      } else if (failure.refused === undefined) {
        result.failedRecordId = entry.id;
        return false;
      } else {
        const reason = `queue refused the event: ${failure.refused}`;
        if (!(await quarantine(entry.id, entry.event, reason))) return false;
        result.refused.push({ ...entry, reason });
      }
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
      if (!(await quarantine(record.id, record.record, record.invalid))) return result;
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
