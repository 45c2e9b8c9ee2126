import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { OutcomeReader, StoredText } from '../domain/ports.js';
import { isNotFound, unquoteETag } from './s3Responses.js';

// Outcome objects are a few hundred bytes of JSON; a GET returns them with their ETag, which
// tells whether the version read is the one the event announced.

/** {@link OutcomeReader} over S3 GetObject. */
export class S3OutcomeReader implements OutcomeReader {
  readonly #s3: S3Client;

  constructor(s3: S3Client) {
    this.#s3 = s3;
  }

  async read(bucket: string, key: string): Promise<StoredText | undefined> {
    try {
      const object = await this.#s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return {
        eTag: unquoteETag(object.ETag ?? ''),
        text: (await object.Body?.transformToString('utf8')) ?? '',
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}
