import { encodeS3EventKey } from '@shop/contracts/mediaKeys';
import type { S3Event, S3EventRecord } from 'aws-lambda';

// S3 notification events shaped like the ones S3 delivers to Lambda (event version 2.1):
// URL-encoded keys, ARNs, sequencer. One record per event, as S3 sends them.

let sequence = 0x100;

export interface RecordOptions {
  bucket: string;
  key: string;
  eventName?: `ObjectCreated:${string}` | `ObjectRemoved:${string}`;
  size?: number;
  eTag?: string;
}

export const s3Record = (options: RecordOptions): S3EventRecord => {
  const eventName = options.eventName ?? 'ObjectCreated:Put';
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
        size: eventName.startsWith('ObjectRemoved') ? 0 : (options.size ?? 0),
        ...(eventName.startsWith('ObjectRemoved') ? {} : { eTag: options.eTag ?? '' }),
        sequencer: sequence.toString(16).toUpperCase().padStart(18, '0'),
      } as S3EventRecord['s3']['object'],
    },
  };
};

export const s3Event = (...records: RecordOptions[]): S3Event => ({
  Records: records.map(s3Record),
});
