import { encodeS3EventKey } from '@shop/contracts/mediaKeys';
import type { S3Event, S3EventRecord } from 'aws-lambda';

// S3 notification events shaped like the ones S3 delivers to Lambda (event version 2.1):
// URL-encoded keys, ARNs, sequencer, and for ObjectCreated the uploaded version's ETag (the
// handler acts only on that version). One record per event, as S3 sends them.

let sequence = 0x100;

export interface RecordOptions {
  bucket: string;
  key: string;
  eventName?: `ObjectCreated:${string}` | `ObjectRemoved:${string}`;
  size?: number;
  /**
   * ObjectCreated (required): the ETag of the version the event is about, as PutObject or
   * HeadObject returned it (quotes are dropped, as S3 does in events); `null` for a record
   * without one, like the sample events of events/thumbnails/. ObjectRemoved records have none.
   */
  eTag?: string | null;
}

/**
 * One S3 notification record.
 *
 * @throws {Error} for an ObjectCreated record without `eTag`: the test must say which version
 *   the event is about (S3 always does), or `null` to test a record without one.
 */
export const s3Record = (options: RecordOptions): S3EventRecord => {
  const eventName = options.eventName ?? 'ObjectCreated:Put';
  const removed = eventName.startsWith('ObjectRemoved');
  if (!removed && options.eTag === undefined) {
    throw new Error(
      `s3Record(${options.key}): pass the uploaded version's eTag (null for a record without one)`,
    );
  }
  const eTag = removed || options.eTag == null ? undefined : options.eTag.replaceAll('"', '');
  sequence += 1;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: new Date().toISOString(),
    eventName: eventName as S3EventRecord['eventName'],
    userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
    requestParameters: { sourceIPAddress: '198.51.100.7' },
    responseElements: {
      'x-amz-request-id': 'C3D13FE58DE4C810',
      'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'ThumbnailsFunctionUploads',
      bucket: {
        name: options.bucket,
        ownerIdentity: { principalId: 'A3NL1KOZZKExample' },
        arn: `arn:aws:s3:::${options.bucket}`,
      },
      object: {
        key: encodeS3EventKey(options.key),
        size: removed ? 0 : (options.size ?? 0),
        ...(eTag === undefined ? {} : { eTag }),
        sequencer: sequence.toString(16).toUpperCase().padStart(18, '0'),
      } as S3EventRecord['s3']['object'],
    },
  };
};

export const s3Event = (...records: RecordOptions[]): S3Event => ({
  Records: records.map(s3Record),
});
