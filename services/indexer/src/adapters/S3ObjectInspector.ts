import { HeadObjectCommand, type HeadObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectInspector, ObjectSnapshot } from '../domain/ports.js';
import { isNotFound, unquoteETag } from './s3Responses.js';

const toSnapshot = (head: HeadObjectCommandOutput): ObjectSnapshot => {
  if (head.LastModified === undefined || head.ETag === undefined) {
    throw new Error('HeadObject answered without Last-Modified or ETag');
  }
  return {
    size: head.ContentLength ?? 0,
    eTag: unquoteETag(head.ETag),
    ...(head.ContentType === undefined ? {} : { contentType: head.ContentType }),
    metadata: { ...head.Metadata },
    lastModified: head.LastModified.toISOString(),
  };
};

/** {@link ObjectInspector} over S3 HeadObject. */
export class S3ObjectInspector implements ObjectInspector {
  readonly #s3: S3Client;

  constructor(s3: S3Client) {
    this.#s3 = s3;
  }

  async inspect(bucket: string, key: string): Promise<ObjectSnapshot | undefined> {
    try {
      return toSnapshot(await this.#s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}
