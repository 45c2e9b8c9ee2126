import { randomUUID } from 'node:crypto';
import { queueArn, SQS_TEST_ACCOUNT, sqsEvent, sqsRecord } from '@shop/testing/sqsEvents';
import type { SQSEvent } from 'aws-lambda';

// Builders for the messages IndexQueue carries: S3 events in the EventBridge envelope
// (S3 User Guide, "EventBridge event message structure") inside Lambda SQS records.

const ACCOUNT = SQS_TEST_ACCOUNT;
const REGION = 'us-east-1';
export const INDEX_QUEUE_ARN = queueArn('shop-IndexQueue', REGION);

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

/** A Lambda SQS event from IndexQueue with one record per body. */
export const indexBatch = (...bodies: unknown[]): SQSEvent =>
  sqsEvent(...bodies.map((body) => sqsRecord(body, { queueArn: INDEX_QUEUE_ARN })));
