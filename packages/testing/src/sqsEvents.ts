import { createHash, randomUUID } from 'node:crypto';
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';

// SQS records and events as Lambda's event source mapping hands them to a function, for
// standard and FIFO queues: built from a body (handler unit tests) or from a message a real
// queue returned (integration tests that deliver from a queue themselves).

/** The account and region of the queue ARNs these builders make up. */
export const SQS_TEST_ACCOUNT = '123456789012';
export const SQS_TEST_REGION = 'us-east-1';

/** The ARN of a made-up queue: `queueArn('OrderEventsQueue.fifo')`. */
export const queueArn = (queueName: string, region = SQS_TEST_REGION): string =>
  `arn:aws:sqs:${region}:${SQS_TEST_ACCOUNT}:${queueName}`;

/** What {@link sqsRecord} lets a test choose. */
export interface SqsRecordOptions {
  messageId?: string;
  /** `ApproximateReceiveCount` (default 1): the receive a record is on. */
  receiveCount?: number;
  /** The source queue (default a standard queue `shop-TestQueue`, or `shop-TestQueue.fifo` with `fifo`). */
  queueArn?: string;
  /**
   * A FIFO queue's record: `MessageGroupId`, `MessageDeduplicationId` (default a fresh id) and a
   * `SequenceNumber` that increases with every record built.
   */
  fifo?: { groupId: string; deduplicationId?: string };
  messageAttributes?: SQSMessageAttributes;
}

// SQS sequence numbers are 128-bit decimals, at least 18 digits on real queues.
let sequence = 18_000_000_000_000_000_000n;

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/**
 * One SQS record whose body is `body` (serialised unless it is a string), with the attributes
 * Lambda passes (receive count, timestamps, sender; the FIFO ones with `fifo`) and the body's
 * real MD5.
 *
 * @example
 * const record = sqsRecord({ hello: 'world' }, { fifo: { groupId: 'order-1' }, receiveCount: 2 });
 */
export const sqsRecord = (body: unknown, options: SqsRecordOptions = {}): SQSRecord => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const messageId = options.messageId ?? randomUUID();
  sequence += 1n;
  const fifo =
    options.fifo === undefined
      ? {}
      : {
          MessageGroupId: options.fifo.groupId,
          MessageDeduplicationId: options.fifo.deduplicationId ?? randomUUID(),
          SequenceNumber: String(sequence),
        };
  const arn =
    options.queueArn ??
    queueArn(options.fifo === undefined ? 'shop-TestQueue' : 'shop-TestQueue.fifo');
  return {
    messageId,
    receiptHandle: `AQEB${randomUUID()}`,
    body: text,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: '1795341600000',
      SenderId: 'AROAEXAMPLE:shop-test',
      ApproximateFirstReceiveTimestamp: '1795341600001',
      ...fifo,
    },
    messageAttributes: options.messageAttributes ?? {},
    md5OfBody: md5(text),
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: arn.split(':')[3] ?? SQS_TEST_REGION,
  };
};

/** The event of one batch: `{ Records: records }`. */
export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/**
 * The same record on a later receive, as SQS delivers it again after the visibility timeout:
 * a new receipt handle and `ApproximateReceiveCount` one higher (or `receiveCount`).
 *
 * @example
 * await handler(sqsEvent(receivedAgain(record)), context);
 */
export const receivedAgain = (record: SQSRecord, receiveCount?: number): SQSRecord => ({
  ...record,
  receiptHandle: `AQEB${randomUUID()}`,
  attributes: {
    ...record.attributes,
    ApproximateReceiveCount: String(
      receiveCount ?? Number(record.attributes.ApproximateReceiveCount ?? '1') + 1,
    ),
  },
});

/** The fields of an SDK `Message` (ReceiveMessage output) a record is made of. */
export interface ReceivedMessage {
  MessageId?: string | undefined;
  ReceiptHandle?: string | undefined;
  Body?: string | undefined;
  MD5OfBody?: string | undefined;
  Attributes?: Partial<Record<string, string>> | undefined;
  MessageAttributes?:
    | Record<string, { DataType?: string | undefined; StringValue?: string | undefined }>
    | undefined;
}

/**
 * The record Lambda builds from a message a queue returned (receive it with
 * `MessageSystemAttributeNames: ['All']`): its attributes as received (the FIFO ones
 * included), message attributes with string values.
 *
 * @example
 * const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, ... }));
 * await handler(sqsEvent(...Messages.map((m) => sqsRecordFromMessage(m, queue.arn))), context);
 */
export const sqsRecordFromMessage = (message: ReceivedMessage, sourceArn: string): SQSRecord => {
  const body = message.Body ?? '';
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body,
    attributes: {
      ...attributes,
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp:
        attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
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
    md5OfBody: message.MD5OfBody ?? md5(body),
    eventSource: 'aws:sqs',
    eventSourceARN: sourceArn,
    awsRegion: sourceArn.split(':')[3] ?? SQS_TEST_REGION,
  };
};
