import { randomBytes, randomUUID } from 'node:crypto';
import type { BucketNotification } from '../../provision/model.js';
import { encodeS3EventKey } from './s3EventKeys.js';

/** How an object came or went: the API part of the event name. */
export type S3ChangeApi = 'Put' | 'Post' | 'Copy' | 'CompleteMultipartUpload' | 'Delete';

/** One object change in a bucket, as the change feeds report it. */
export interface S3ObjectChange {
  bucket: string;
  key: string;
  api: S3ChangeApi;
  size?: number;
  /** Without quotes, as S3 puts it in events. */
  eTag?: string;
  versionId?: string;
  sequencer: string;
  time: Date;
}

/** Context every event needs. */
export interface S3EventContext {
  region: string;
  accountId: string;
}

const created = (change: S3ObjectChange) => change.api !== 'Delete';

/** `ObjectCreated:Put`, `ObjectRemoved:Delete` ... */
export const s3EventName = (change: S3ObjectChange): string =>
  `${created(change) ? 'ObjectCreated' : 'ObjectRemoved'}:${change.api}`;

/**
 * Sequencers as S3 makes them: fixed-width upper-case hex that grows with every change, so
 * two events of one key order correctly (also across restarts: they start from the clock).
 */
export const createSequencer = (): (() => string) => {
  let last = 0n;
  return () => {
    const fromClock = BigInt(Date.now()) << 16n;
    last = fromClock > last ? fromClock : last + 1n;
    return last.toString(16).toUpperCase().padStart(18, '0');
  };
};

/** Does a notification configuration want this change (event type and key filter)? */
export const notificationMatches = (
  notification: BucketNotification,
  change: S3ObjectChange,
): boolean => {
  const name = `s3:${s3EventName(change)}`;
  const typeMatches = notification.events.some((event) =>
    event.endsWith(':*') ? name.startsWith(event.slice(0, -1)) : event === name,
  );
  if (!typeMatches) return false;
  // Filter values are compared with the key as events carry it (URL-encoded).
  const key = encodeS3EventKey(change.key);
  const { prefix, suffix } = notification.filter;
  return (
    (prefix === undefined || key.startsWith(prefix)) &&
    (suffix === undefined || key.endsWith(suffix))
  );
};

const amzId = () => randomBytes(8).toString('hex').toUpperCase();

/**
 * One record of an S3 event notification (eventVersion 2.1), as S3 sends it to Lambda, SQS
 * and SNS: URL-encoded key (`+` for a space), size and eTag for creations, the sequencer.
 */
export const s3NotificationRecord = (
  change: S3ObjectChange,
  configurationId: string,
  context: S3EventContext,
): Record<string, unknown> => {
  const object: Record<string, unknown> = { key: encodeS3EventKey(change.key) };
  if (created(change)) {
    object.size = change.size ?? 0;
    object.eTag = change.eTag ?? '';
  }
  if (change.versionId !== undefined) object.versionId = change.versionId;
  object.sequencer = change.sequencer;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: context.region,
    eventTime: change.time.toISOString(),
    eventName: s3EventName(change),
    userIdentity: { principalId: `AWS:${context.accountId}` },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: {
      'x-amz-request-id': amzId(),
      'x-amz-id-2': randomBytes(24).toString('base64'),
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId,
      bucket: {
        name: change.bucket,
        ownerIdentity: { principalId: context.accountId },
        arn: `arn:aws:s3:::${change.bucket}`,
      },
      object,
    },
  };
};

/** The event S3 sends a Lambda function for one change: `{ Records: [record] }`. */
export const s3NotificationEvent = (
  change: S3ObjectChange,
  configurationId: string,
  context: S3EventContext,
) => ({
  Records: [s3NotificationRecord(change, configurationId, context)],
});

const REASONS: Record<S3ChangeApi, string> = {
  Put: 'PutObject',
  Post: 'PostObject',
  Copy: 'CopyObject',
  CompleteMultipartUpload: 'CompleteMultipartUpload',
  Delete: 'DeleteObject',
};

/**
 * The "Object Created" / "Object Deleted" event S3 sends to EventBridge for a bucket with
 * EventBridge notifications enabled (S3 User Guide, EventBridge event message structure).
 * The key is URL-encoded as in classic notifications.
 */
export const s3EventBridgeEvent = (
  change: S3ObjectChange,
  context: S3EventContext,
): Record<string, unknown> => {
  const object: Record<string, unknown> = { key: encodeS3EventKey(change.key) };
  if (created(change)) {
    object.size = change.size ?? 0;
    object.etag = change.eTag ?? '';
  }
  if (change.versionId !== undefined) object['version-id'] = change.versionId;
  object.sequencer = change.sequencer;
  const detail: Record<string, unknown> = {
    version: '0',
    bucket: { name: change.bucket },
    object,
    'request-id': amzId(),
    requester: context.accountId,
    'source-ip-address': '127.0.0.1',
    reason: REASONS[change.api],
  };
  if (!created(change)) detail['deletion-type'] = 'Permanently Deleted';
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': created(change) ? 'Object Created' : 'Object Deleted',
    source: 'aws.s3',
    account: context.accountId,
    time: `${change.time.toISOString().slice(0, 19)}Z`,
    region: context.region,
    resources: [`arn:aws:s3:::${change.bucket}`],
    detail,
  };
};
