import { createHash, randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';

// Builders for the messages IndexQueue carries: S3 events in the EventBridge envelope
// (S3 User Guide, "EventBridge event message structure") inside Lambda SQS records.

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export interface S3EventOptions {
  type: 'Object Created' | 'Object Deleted';
  bucket: string;
  /** As it appears in the event (encode it first to mimic AWS). */
  key: string;
  sequencer: string;
  etag?: string;
  size?: number;
  time?: string;
}

/** An S3 event as EventBridge delivers it. */
export const s3Event = (options: S3EventOptions) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': options.type,
  source: 'aws.s3',
  account: ACCOUNT,
  time: options.time ?? '2026-03-14T09:26:53Z',
  region: REGION,
  resources: [`arn:aws:s3:::${options.bucket}`],
  detail: {
    version: '0',
    bucket: { name: options.bucket },
    object: {
      key: options.key,
      ...(options.size === undefined ? {} : { size: options.size }),
      ...(options.etag === undefined ? {} : { etag: options.etag }),
      sequencer: options.sequencer,
    },
    'request-id': 'K7XQ2M4N8P1R5T3V',
    requester: ACCOUNT,
    'source-ip-address': '203.0.113.24',
    reason: options.type === 'Object Created' ? 'PutObject' : 'DeleteObject',
    ...(options.type === 'Object Deleted' ? { 'deletion-type': 'Permanently Deleted' } : {}),
  },
});

/** One Lambda SQS record whose body is `body` (serialised unless it is a string). */
export const sqsRecord = (body: unknown, messageId: string = randomUUID()): SQSRecord => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    messageId,
    receiptHandle: `AQEB${messageId}`,
    body: text,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1773480415120',
      SenderId: 'AIDAJQR6QDGQ7PATMSYEY',
      ApproximateFirstReceiveTimestamp: '1773480415132',
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(text).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:IndexQueue`,
    awsRegion: REGION,
  };
};

/** A Lambda SQS event with one record per body. */
export const sqsEvent = (...bodies: unknown[]): SQSEvent => ({
  Records: bodies.map((body) => sqsRecord(body)),
});

/** The Lambda context fields the handler and Powertools read. */
export const lambdaContext = () => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'IndexerFunction',
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:IndexerFunction`,
  memoryLimitInMB: '256',
  awsRequestId: randomUUID(),
  logGroupName: '/aws/lambda/IndexerFunction',
  logStreamName: '2026/03/14/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});
