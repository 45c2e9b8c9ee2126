import {
  type BackendClients,
  type Backends,
  ensureQueue,
  ensureTable,
  type QueueRef,
  type SentEmail,
} from '@shop/local-cloud';
import { uniqueName } from '@shop/local-cloud/testing';
import type { Delivery } from '../support/deliverFromQueue.js';

/** Short, so failed messages come back quickly; the template's queue uses 180 s. */
export const VISIBILITY_TIMEOUT_SECONDS = 1;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long a test waits for an effect before failing: well inside the 30 s test timeout. */
export const WAIT_TIMEOUT_MS = 20_000;

/**
 * Poll `check` until it returns a value (anything but `undefined`) and return it, or throw
 * naming `what` once `timeoutMs` has passed. For effects that take time (a visibility timeout
 * passing, an in-progress record expiring): no fixed sleeps, so a busy machine only makes the
 * wait longer, never the test wrong.
 */
export const waitFor = async <T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> => {
  const timeoutMs = options.timeoutMs ?? WAIT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(options.intervalMs ?? 25);
  }
};

/**
 * Deliver from the queue like the event source mapping until `done(deliveries)` holds (failed
 * or undeleted records come back after the visibility timeout; each receive long-polls up to
 * 1 s), or throw at the deadline with what was delivered so far.
 */
export const deliverUntil = async (
  deliver: () => Promise<Delivery>,
  done: (deliveries: Delivery[]) => Promise<boolean> | boolean,
  options: { what?: string; timeoutMs?: number } = {},
): Promise<Delivery[]> => {
  const timeoutMs = options.timeoutMs ?? WAIT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const deliveries: Delivery[] = [];
  while (!(await done(deliveries))) {
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${options.what ?? 'the deliveries'}: ${JSON.stringify(deliveries)}`,
      );
    }
    const delivery = await deliver();
    if (delivery.received.length > 0) deliveries.push(delivery);
  }
  return deliveries;
};

/**
 * Deliver until a receive (long-polling 1 s) comes back empty, like an event source mapping
 * running for a while. Only for messages that are visible now: to wait for a message to come
 * back after its visibility timeout, use {@link deliverUntil}.
 */
export const drain = async (
  deliver: (options: { deleteSucceeded?: boolean }) => Promise<Delivery>,
  options: { timeoutMs?: number } = {},
): Promise<Delivery[]> => {
  const timeoutMs = options.timeoutMs ?? WAIT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const deliveries: Delivery[] = [];
  while (Date.now() < deadline) {
    const delivery = await deliver({});
    if (delivery.received.length === 0) return deliveries;
    deliveries.push(delivery);
  }
  throw new Error(`queue not drained in ${timeoutMs} ms: ${JSON.stringify(deliveries)}`);
};

/** Emails the SES backend accepted for one order (subjects carry the order id). */
export const mailFor = async (backends: Backends, orderId: string): Promise<SentEmail[]> =>
  (await backends.sentEmails()).filter((email) => email.subject.includes(orderId));

/** EmailIdempotencyTable as the template defines it (Powertools' key `id`, TTL `expiration`). */
export const createIdempotencyTable = async (clients: BackendClients, tableName: string) => {
  await ensureTable(
    clients,
    {
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    },
    'expiration',
  );
};

/** OrderEventsQueue as the template defines it: FIFO, with a FIFO DLQ after `maxReceiveCount`. */
export const createOrderEventsQueue = async (
  clients: BackendClients,
  name: string,
  maxReceiveCount: number,
): Promise<{ queue: QueueRef; deadLetterQueue: QueueRef }> => {
  const attributes = { FifoQueue: 'true', ContentBasedDeduplication: 'false' };
  const deadLetterQueue = await ensureQueue(clients, `${uniqueName(`${name}-dlq`)}.fifo`, {
    attributes,
  });
  const queue = await ensureQueue(clients, `${uniqueName(name)}.fifo`, {
    visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
    deadLetter: { queueArn: deadLetterQueue.arn, maxReceiveCount },
    attributes,
  });
  return { queue, deadLetterQueue };
};
