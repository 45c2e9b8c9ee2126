import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';

// Lambda-shaped inputs for handler tests.

/** A Lambda context whose remaining time counts down from `timeoutMs` on the real clock. */
export const lambdaContext = (
  timeoutMs = 30_000,
  remaining: () => number = (
    (deadline) => () =>
      deadline - Date.now()
  )(Date.now() + timeoutMs),
): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'shop-EmailFunction',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:shop-EmailFunction',
  memoryLimitInMB: '512',
  awsRequestId: crypto.randomUUID(),
  logGroupName: '/aws/lambda/shop-EmailFunction',
  logStreamName: '2026/11/22/[$LATEST]0123456789abcdef',
  getRemainingTimeInMillis: remaining,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

export const ORDER_EVENTS_QUEUE_ARN =
  'arn:aws:sqs:us-east-1:123456789012:shop-OrderEventsQueue.fifo';

let sequence = 18_000_000_000_000_000_000n;

/** The FIFO attributes the publisher sets: group = order id, deduplication id = event id. */
const fifoAttributes = (body: string) => {
  let event: { eventId?: unknown; order?: { orderId?: unknown } } = {};
  try {
    event = JSON.parse(body);
  } catch {
    // A malformed body (a test of the parser) still gets a group of its own.
  }
  const groupId = typeof event.order?.orderId === 'string' ? event.order.orderId : undefined;
  const dedupId = typeof event.eventId === 'string' ? event.eventId : undefined;
  return { groupId, dedupId };
};

/**
 * An SQS FIFO record as Lambda's event source mapping delivers it from `OrderEventsQueue.fifo`:
 * `MessageGroupId` is the order id and `MessageDeduplicationId` the event id when the body has
 * them (override with `groupId`/`deduplicationId`), `SequenceNumber` increases per record.
 */
export const sqsRecord = (
  body: string,
  options: {
    messageId?: string;
    receiveCount?: number;
    groupId?: string;
    deduplicationId?: string;
  } = {},
): SQSRecord => {
  const fromBody = fifoAttributes(body);
  sequence += 1n;
  return {
    messageId: options.messageId ?? crypto.randomUUID(),
    receiptHandle: `handle-${crypto.randomUUID()}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: '1795341600000',
      SenderId: 'AROAEXAMPLE:orders-order-events-publisher',
      ApproximateFirstReceiveTimestamp: '1795341600001',
      MessageGroupId: options.groupId ?? fromBody.groupId ?? crypto.randomUUID(),
      MessageDeduplicationId: options.deduplicationId ?? fromBody.dedupId ?? crypto.randomUUID(),
      SequenceNumber: String(sequence),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: ORDER_EVENTS_QUEUE_ARN,
    awsRegion: 'us-east-1',
  };
};

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
