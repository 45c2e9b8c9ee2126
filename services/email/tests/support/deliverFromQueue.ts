import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { eventually } from '@shop/local-cloud/testing';
import { sqsRecordFromMessage } from '@shop/testing/sqsEvents';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';

// What Lambda's SQS event source mapping does, small enough to read in one go: receive a batch,
// build the event Lambda would build, invoke the handler, delete the records it did not report
// as failed, and leave the failures to come back after the visibility timeout (or to be moved
// to the dead-letter queue by the redrive policy). Works for standard and FIFO queues (FIFO
// records carry MessageGroupId, MessageDeduplicationId and SequenceNumber).

/** A queue as the event source mapping sees it. */
export interface SourceQueue {
  url: string;
  arn: string;
}

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** What one poll did. */
export interface Delivery {
  /** Message ids handed to the handler, in order. */
  received: string[];
  /** Message ids the handler reported as failed (left on the queue). */
  failed: string[];
  /** The handler's receive counts, by message id. */
  receiveCounts: Record<string, number>;
}

/**
 * Poll `queue` once and deliver what arrives to `handler` like Lambda's event source mapping
 * with `ReportBatchItemFailures`. If the handler throws, or names a message id that was not in
 * the batch, the whole batch counts as failed (as on Lambda). `deleteSucceeded: false`
 * simulates a lost delete, so even successful messages come back. `releaseFailed: true` makes
 * failed messages visible again at once (ChangeMessageVisibility 0) instead of after the
 * visibility timeout: faster retries, and on a FIFO queue it keeps moto 5.2 in order (moto
 * redelivers a group's timed-out messages out of order, real SQS does not).
 *
 * @example
 * const delivery = await deliverFromQueue({ sqs, queue, handler, context: () => lambdaContext() });
 */
export const deliverFromQueue = async (options: {
  sqs: SQSClient;
  queue: SourceQueue;
  handler: SqsHandler;
  context: () => Context;
  batchSize?: number;
  waitTimeSeconds?: number;
  deleteSucceeded?: boolean;
  releaseFailed?: boolean;
}): Promise<Delivery> => {
  const { sqs, queue } = options;
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.url,
      MaxNumberOfMessages: options.batchSize ?? 10,
      WaitTimeSeconds: options.waitTimeSeconds ?? 1,
      // Both spellings: older backends only know AttributeNames.
      AttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  const received = Messages.map((message) => message.MessageId ?? '');
  const receiveCounts = Object.fromEntries(
    Messages.map((m) => [m.MessageId ?? '', Number(m.Attributes?.ApproximateReceiveCount ?? 1)]),
  );
  if (Messages.length === 0) return { received, failed: [], receiveCounts };

  const event: SQSEvent = {
    Records: Messages.map((message) => sqsRecordFromMessage(message, queue.arn)),
  };
  let failed: string[];
  try {
    const response = await options.handler(event, options.context());
    failed = response.batchItemFailures.map((failure) => failure.itemIdentifier);
    if (failed.some((id) => !received.includes(id))) failed = received;
  } catch {
    failed = received;
  }

  const succeeded = Messages.filter((message) => !failed.includes(message.MessageId ?? ''));
  if (succeeded.length > 0 && options.deleteSucceeded !== false) {
    const result = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: succeeded.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
    if ((result.Failed ?? []).length > 0) {
      throw new Error(`DeleteMessageBatch failed for ${result.Failed?.length} messages`);
    }
  }
  const failedMessages = Messages.filter((message) => failed.includes(message.MessageId ?? ''));
  if (failedMessages.length > 0 && options.releaseFailed === true) {
    const result = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queue.url,
        Entries: failedMessages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        })),
      }),
    );
    if ((result.Failed ?? []).length > 0) {
      throw new Error(`ChangeMessageVisibilityBatch failed for ${result.Failed?.length} messages`);
    }
  }
  return { received, failed, receiveCounts };
};

/** How long a test waits for an effect before failing: well inside the 30 s test timeout. */
export const WAIT_TIMEOUT_MS = 20_000;

/**
 * Deliver from the queue like the event source mapping until `done(deliveries)` holds (failed
 * or undeleted records come back after the visibility timeout; each receive long-polls up to
 * 1 s), or throw at the deadline with what was delivered so far. No fixed sleeps: a busy
 * machine only makes the wait longer, never the test wrong.
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
  deliver: () => Promise<Delivery>,
  options: { timeoutMs?: number } = {},
): Promise<Delivery[]> => {
  const timeoutMs = options.timeoutMs ?? WAIT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const deliveries: Delivery[] = [];
  while (Date.now() < deadline) {
    const delivery = await deliver();
    if (delivery.received.length === 0) return deliveries;
    deliveries.push(delivery);
  }
  throw new Error(`queue not drained in ${timeoutMs} ms: ${JSON.stringify(deliveries)}`);
};

/**
 * Keep delivering from the queue (a failing message comes back after each visibility timeout)
 * until the redrive policy has moved a message to the dead-letter queue, as the event source
 * mapping would; returns the deliveries from both queues.
 */
export const deliverUntilDeadLettered = async (
  deliver: () => Promise<Delivery>,
  deliverDead: () => Promise<Delivery>,
  what: string,
): Promise<{ deliveries: Delivery[]; dead: Delivery[] }> => {
  const deliveries: Delivery[] = [];
  const dead = await eventually(async () => {
    const delivery = await deliver();
    if (delivery.received.length > 0) deliveries.push(delivery);
    const fromDlq = await deliverDead();
    return fromDlq.received.length > 0 ? [fromDlq] : undefined;
  }, what);
  dead.push(...(await drain(deliverDead)));
  deliveries.push(...(await drain(deliver)));
  return { deliveries, dead };
};

/** A handler that records how long each invocation took. */
export const timed = (handler: SqsHandler) => {
  const durations: number[] = [];
  const wrapped: SqsHandler = async (event, context) => {
    const started = Date.now();
    try {
      return await handler(event, context);
    } finally {
      durations.push(Date.now() - started);
    }
  };
  return { handler: wrapped, durations };
};
