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

export const ORDER_EVENTS_QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:shop-OrderEventsQueue';

/** An SQS record as Lambda's event source mapping delivers it. */
export const sqsRecord = (
  body: string,
  options: { messageId?: string; receiveCount?: number } = {},
): SQSRecord => ({
  messageId: options.messageId ?? crypto.randomUUID(),
  receiptHandle: `handle-${crypto.randomUUID()}`,
  body,
  attributes: {
    ApproximateReceiveCount: String(options.receiveCount ?? 1),
    SentTimestamp: '1795341600000',
    SenderId: 'AROAEXAMPLE:orders-api',
    ApproximateFirstReceiveTimestamp: '1795341600001',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: ORDER_EVENTS_QUEUE_ARN,
  awsRegion: 'us-east-1',
});

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
