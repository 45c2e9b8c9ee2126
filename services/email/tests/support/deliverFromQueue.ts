import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

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

const fifoAttribute = (
  message: Message,
  name: 'MessageGroupId' | 'MessageDeduplicationId' | 'SequenceNumber',
) => {
  const value = message.Attributes?.[name];
  return value === undefined ? {} : { [name]: value };
};

const toRecord = (message: Message, queue: SourceQueue, region: string): SQSRecord => ({
  messageId: message.MessageId ?? '',
  receiptHandle: message.ReceiptHandle ?? '',
  body: message.Body ?? '',
  attributes: {
    ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
    SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
    SenderId: message.Attributes?.SenderId ?? 'local',
    ApproximateFirstReceiveTimestamp:
      message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    // FIFO queues only, as Lambda passes them on.
    ...fifoAttribute(message, 'MessageGroupId'),
    ...fifoAttribute(message, 'MessageDeduplicationId'),
    ...fifoAttribute(message, 'SequenceNumber'),
  },
  messageAttributes: Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
      name,
      {
        dataType: value.DataType ?? 'String',
        ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
        stringListValues: [],
        binaryListValues: [],
      },
    ]),
  ),
  md5OfBody: message.MD5OfBody ?? '',
  eventSource: 'aws:sqs',
  eventSourceARN: queue.arn,
  awsRegion: region,
});

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
  region?: string;
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
    Records: Messages.map((message) => toRecord(message, queue, options.region ?? 'us-east-1')),
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
