import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { MalformedEventError } from '../domain/errors.js';
import type { OutcomeReader, StoredText } from '../domain/ports.js';
import { isNotFound, unquoteETag } from './s3Responses.js';

// Outcome objects are a few hundred bytes of JSON; a GET returns them with their ETag, which
// tells whether the version read is the one the event announced.

/**
 * The largest outcome document read (a valid one, with 32 thumbnails and the longest detail,
 * is under 8 KiB). A larger object at an outcome key is refused unread: buffering it could
 * exhaust the function's memory and fail the whole batch on every delivery.
 */
export const MAX_OUTCOME_BYTES = 64 * 1024;

/** {@link OutcomeReader} over S3 GetObject. */
export class S3OutcomeReader implements OutcomeReader {
  readonly #s3: S3Client;

  constructor(s3: S3Client) {
    this.#s3 = s3;
  }

  async read(bucket: string, key: string): Promise<StoredText | undefined> {
    try {
      const object = await this.#s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const size = object.ContentLength ?? 0;
      if (size > MAX_OUTCOME_BYTES) {
        (object.Body as { destroy?: () => void } | undefined)?.destroy?.();
        throw new MalformedEventError(
          `outcome object is ${size} bytes, more than ${MAX_OUTCOME_BYTES}`,
        );
      }
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
