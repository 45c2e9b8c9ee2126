import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3Event } from 'aws-lambda';

const eventsDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../events/thumbnails',
);

/** A sample event from events/thumbnails (the `sam local invoke -e` files), optionally
 * pointed at another bucket. */
export const sampleEvent = (name: string, bucket?: string): S3Event => {
  const event = JSON.parse(readFileSync(path.join(eventsDir, name), 'utf8')) as S3Event;
  if (bucket !== undefined) {
    for (const record of event.Records) {
      record.s3.bucket.name = bucket;
      record.s3.bucket.arn = `arn:aws:s3:::${bucket}`;
    }
  }
  return event;
};
