import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { SourceChangedError, SourceUnreadableError } from '../domain/errors.js';
import type {
  ObjectHead,
  SourceStore,
  StoredOutcome,
  Thumbnail,
  ThumbnailStore,
} from '../domain/ports.js';
import { parseOutcome, type ThumbnailOutcome } from '../domain/ThumbnailOutcome.js';

/** Object metadata (`x-amz-meta-source-etag`) naming the source version a thumbnail shows. */
export const SOURCE_ETAG_METADATA = 'source-etag';
export const THUMBNAIL_CONTENT_TYPE = 'image/webp';
export const OUTCOME_CONTENT_TYPE = 'application/json';

export interface S3MediaStoreOptions {
  thumbnailsBucket: string;
  cacheControl: string;
}

const statusOf = (error: unknown): number | undefined =>
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

const isNotFound = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'NotFound' || error.name === 'NoSuchKey' || statusOf(error) === 404);

const isPreconditionFailed = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'PreconditionFailed' || statusOf(error) === 412);

/** 409: another conditional write of the key was in progress; S3 says to read and retry. */
const isConditionalConflict = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'ConditionalRequestConflict' || statusOf(error) === 409);

/** ETags as plain hex (S3 returns them quoted), so they compare and store cleanly. */
const unquote = (etag: string | undefined): string => (etag ?? '').replace(/"/g, '');

/** The fields of a HEAD the domain reads, each only when S3 sent it. */
const objectHeadOf = (head: HeadObjectCommandOutput): ObjectHead => {
  const optional = {
    storageClass: head.StorageClass,
    archiveStatus: head.ArchiveStatus,
    restore: head.Restore,
    serverSideEncryption: head.ServerSideEncryption,
    sseCustomerAlgorithm: head.SSECustomerAlgorithm,
  };
  return {
    etag: unquote(head.ETag),
    size: head.ContentLength ?? 0,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  };
};

/**
 * S3 behind both ports: reads originals from the uploads bucket (HEAD, then a GET pinned to
 * the HEAD's ETag) and keeps thumbnails in the thumbnails bucket, each tagged with the ETag of
 * the source it was made from, next to the upload's outcome document.
 */
export class S3MediaStore implements SourceStore, ThumbnailStore {
  readonly #s3: S3Client;
  readonly #options: S3MediaStoreOptions;

  constructor(s3: S3Client, options: S3MediaStoreOptions) {
    this.#s3 = s3;
    this.#options = options;
  }

  async head(bucket: string, key: string): Promise<ObjectHead | undefined> {
    try {
      return objectHeadOf(await this.#s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      // S3 answers the HEAD of an SSE-C object without the customer's key with 400 (a HEAD
      // has no body, so no error code). The listing needs no key: when it shows the object,
      // its ETag and size stand in for the HEAD's, marked SSE-C (whose only algorithm is
      // AES256), and the domain skips it. Anything else (a missing object, failed
      // credentials, which the listing fails on too) is what it was.
      if (statusOf(error) === 400) {
        const listed = await this.#listed(bucket, key);
        if (listed !== undefined) return listed;
      }
      throw error;
    }
  }

  /** The object at exactly `key` as the bucket listing shows it, marked SSE-C. */
  async #listed(bucket: string, key: string): Promise<ObjectHead | undefined> {
    const listing = await this.#s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }),
    );
    // The key itself sorts before every longer key it is a prefix of.
    const object = listing.Contents?.[0];
    if (object?.Key !== key) return undefined;
    return {
      etag: unquote(object.ETag),
      size: object.Size ?? 0,
      ...(object.StorageClass === undefined ? {} : { storageClass: object.StorageClass }),
      sseCustomerAlgorithm: 'AES256',
    };
  }

  async read(bucket: string, key: string, etag: string): Promise<Uint8Array> {
    try {
      const object = await this.#s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, IfMatch: `"${etag}"` }),
      );
      if (object.Body === undefined) return new Uint8Array();
      if (object.ETag !== undefined && unquote(object.ETag) !== etag) {
        throw new SourceChangedError(`ETag is now ${unquote(object.ETag)}, not ${etag}`);
      }
      return await object.Body.transformToByteArray();
    } catch (error) {
      if (isPreconditionFailed(error) || isNotFound(error)) {
        throw new SourceChangedError(undefined, { cause: error });
      }
      // 403 after a HEAD that succeeded: archived (InvalidObjectState), or refused by its KMS
      // key or this function's permissions (AccessDenied); the domain tells which matters.
      if (error instanceof Error && statusOf(error) === 403) {
        const refusal = error.name === 'InvalidObjectState' ? 'archived' : 'access-denied';
        throw new SourceUnreadableError(refusal, `GetObject: ${error.name}: ${error.message}`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.#headThumbnail(key)) !== undefined;
  }

  async sourceEtagOf(key: string): Promise<string | undefined> {
    return (await this.#headThumbnail(key))?.Metadata?.[SOURCE_ETAG_METADATA];
  }

  /** HEAD of an object in the thumbnails bucket; `undefined` when there is none. */
  async #headThumbnail(key: string): Promise<HeadObjectCommandOutput | undefined> {
    try {
      return await this.#s3.send(
        new HeadObjectCommand({ Bucket: this.#options.thumbnailsBucket, Key: key }),
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async readOutcome(key: string): Promise<StoredOutcome | undefined> {
    try {
      const object = await this.#s3.send(
        new GetObjectCommand({ Bucket: this.#options.thumbnailsBucket, Key: key }),
      );
      const outcome = parseOutcome((await object.Body?.transformToString('utf8')) ?? '');
      return { outcome, etag: unquote(object.ETag) };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async deleteOutcome(key: string, etag: string): Promise<boolean> {
    try {
      await this.#s3.send(
        new DeleteObjectCommand({
          Bucket: this.#options.thumbnailsBucket,
          Key: key,
          IfMatch: `"${etag}"`,
        }),
      );
      return true;
    } catch (error) {
      // 412: rewritten since it was read; 404: already gone. Either way, not ours to delete.
      if (isPreconditionFailed(error) || isNotFound(error)) return false;
      throw error;
    }
  }

  async writeOutcome(
    key: string,
    outcome: ThumbnailOutcome,
    expectedEtag: string | undefined,
  ): Promise<string | undefined> {
    try {
      const written = await this.#s3.send(
        new PutObjectCommand({
          Bucket: this.#options.thumbnailsBucket,
          Key: key,
          Body: JSON.stringify(outcome),
          ContentType: OUTCOME_CONTENT_TYPE,
          // Rewritten on every new version of the upload: never cached.
          CacheControl: 'no-cache',
          ...(expectedEtag === undefined ? { IfNoneMatch: '*' } : { IfMatch: `"${expectedEtag}"` }),
        }),
      );
      return unquote(written.ETag);
    } catch (error) {
      // 412: another version is there; 404: the one read is gone; 409: another write raced.
      if (isPreconditionFailed(error) || isNotFound(error) || isConditionalConflict(error)) {
        return undefined;
      }
      throw error;
    }
  }

  async put(thumbnail: Thumbnail, sourceEtag: string): Promise<void> {
    await this.#s3.send(
      new PutObjectCommand({
        Bucket: this.#options.thumbnailsBucket,
        Key: thumbnail.key,
        Body: thumbnail.body,
        ContentType: THUMBNAIL_CONTENT_TYPE,
        CacheControl: this.#options.cacheControl,
        Metadata: {
          [SOURCE_ETAG_METADATA]: sourceEtag,
          width: String(thumbnail.width),
          height: String(thumbnail.height),
        },
      }),
    );
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const result = await this.#s3.send(
      new DeleteObjectsCommand({
        Bucket: this.#options.thumbnailsBucket,
        Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
      }),
    );
    const failed = result.Errors ?? [];
    if (failed.length > 0) {
      const summary = failed.map((entry) => `${entry.Key}: ${entry.Code}`).join(', ');
      throw new Error(`DeleteObjects failed for ${failed.length} key(s): ${summary}`);
    }
  }
}
