// What the use cases need from the outside world. Adapters implement these over S3 and
// sharp; unit tests pass in-memory fakes.
import type { ThumbnailOutcome } from './ThumbnailOutcome.js';

/**
 * What a HEAD tells us about a stored object. The optional fields are present only when S3
 * sends them (it omits the storage class of STANDARD objects, for one): they decide whether
 * the object's bytes can be read at all (src/domain/readability.ts).
 */
export interface ObjectHead {
  etag: string;
  size: number;
  /** `GLACIER`, `DEEP_ARCHIVE`, `INTELLIGENT_TIERING`, `STANDARD_IA`, ... */
  storageClass?: string;
  /** The Intelligent-Tiering archive tier it is in: `ARCHIVE_ACCESS`, `DEEP_ARCHIVE_ACCESS`. */
  archiveStatus?: string;
  /** `x-amz-restore` of an archived object; `ongoing-request="false", ...` once restored. */
  restore?: string;
  /** `AES256` (SSE-S3), `aws:kms` (SSE-KMS), `aws:kms:dsse` (DSSE-KMS). */
  serverSideEncryption?: string;
  /** `AES256` for an object encrypted with a customer-provided key (SSE-C). */
  sseCustomerAlgorithm?: string;
}

/** The bucket merchants upload originals to (read-only for us). */
export interface SourceStore {
  /** `undefined` when the object does not exist. */
  head(bucket: string, key: string): Promise<ObjectHead | undefined>;
  /**
   * The object's bytes, only if its ETag is still `etag`.
   *
   * @throws {SourceChangedError} when it was overwritten since the HEAD.
   * @throws {SourceUnreadableError} when S3 refuses the bytes of the object that is there
   *   (archived, or encrypted with a key this function may not use).
   */
  read(bucket: string, key: string, etag: string): Promise<Uint8Array>;
}

/** One encoded thumbnail. */
export interface Thumbnail {
  key: string;
  width: number;
  height: number;
  body: Uint8Array;
}

/**
 * The document stored at an outcome key, with its object's ETag (for conditional writes and
 * deletes). `outcome` is undefined when the document there is not a valid outcome.
 */
export interface StoredOutcome {
  outcome: ThumbnailOutcome | undefined;
  etag: string;
}

/** The separate bucket thumbnails are written to. */
export interface ThumbnailStore {
  /** Whether an object exists at `key` (HEAD). */
  exists(key: string): Promise<boolean>;
  /**
   * The ETag of the source version the thumbnail at `key` was made from (its metadata, HEAD);
   * `undefined` when there is no object there, or it carries none.
   */
  sourceEtagOf(key: string): Promise<string | undefined>;
  /** Write one thumbnail, recording the ETag of the source it was made from. */
  put(thumbnail: Thumbnail, sourceEtag: string): Promise<void>;
  /** Delete exactly these keys (missing keys are not an error). */
  delete(keys: readonly string[]): Promise<void>;
  /** The document stored at `key`; `undefined` when there is none. */
  readOutcome(key: string): Promise<StoredOutcome | undefined>;
  /**
   * Delete the outcome at `key` only while it is still the version `etag` (S3's conditional
   * delete): false when it was rewritten or removed meanwhile, and then nothing is deleted.
   */
  deleteOutcome(key: string, etag: string): Promise<boolean>;
  /**
   * Write the outcome document at `key` (its Object Created event is the outcome event) only
   * over the version that was read: `expectedEtag`, or no document at all when undefined (S3's
   * conditional writes, If-Match / If-None-Match). Returns the ETag written, or `undefined`
   * when the document there is no longer that version, and then nothing is written.
   */
  writeOutcome(
    key: string,
    outcome: ThumbnailOutcome,
    expectedEtag: string | undefined,
  ): Promise<string | undefined>;
}

/** One rendered size, before it has a key. */
export interface RenderedImage {
  /** The requested box (the thumbnail is named after it). */
  width: number;
  /** Actual pixel size (never larger than the source, aspect ratio kept). */
  outputWidth: number;
  outputHeight: number;
  body: Uint8Array;
}

/** Turns one source image into WebP thumbnails. */
export interface ImageRenderer {
  /**
   * Decode `source` once and return one WebP per width, in the order of `widths`.
   *
   * @throws {ImageRejectedError} for input that is not a usable image.
   */
  render(source: Uint8Array, widths: readonly number[]): Promise<RenderedImage[]>;
}
