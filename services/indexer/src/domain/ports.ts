// What the use cases need from the outside world. Adapters implement these over S3 and
// DynamoDB; unit tests pass in-memory fakes.
import type { DeletedMediaItem, LiveMediaItem, MediaItem, OutcomeFields } from './MediaItem.js';

/** What a HEAD says about an object right now. */
export interface ObjectSnapshot {
  size: number;
  /** Without the surrounding quotes S3 puts on the header. */
  eTag: string;
  contentType?: string;
  metadata: Record<string, string>;
  /** ISO 8601. */
  lastModified: string;
}

/** Read access to UploadsBucket. */
export interface ObjectInspector {
  /** The object's current metadata; `undefined` when there is no such object (any more). */
  inspect(bucket: string, key: string): Promise<ObjectSnapshot | undefined>;
}

/** An object's text with the ETag of the version read. */
export interface StoredText {
  eTag: string;
  text: string;
}

/** Read access to the thumbnailer's outcome objects (ThumbnailsBucket). */
export interface OutcomeReader {
  /** The object's current content; `undefined` when it does not exist (any more). */
  read(bucket: string, key: string): Promise<StoredText | undefined>;
}

/** `applied` when the write happened; `stale` when its condition did not hold. */
export type WriteResult = 'applied' | 'stale';

/** One page of a product's media. */
export interface MediaPage {
  items: LiveMediaItem[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  cursor?: Record<string, unknown>;
}

/** The media catalog (MediaTable). Every write is conditional on the sequencer. */
export interface MediaCatalog {
  /** Store a live object, only if no newer event for its key has been applied. */
  putActive(item: LiveMediaItem): Promise<WriteResult>;
  /** Mark a key deleted (creating a tombstone if needed), only if this event is the newest. */
  markDeleted(item: DeletedMediaItem): Promise<WriteResult>;
  /**
   * Record the thumbnailer's outcome on the item of `key`, only if the item still describes
   * the upload event `sequencer` and no newer outcome for it has been recorded.
   */
  applyOutcome(key: string, sequencer: string, fields: OutcomeFields): Promise<WriteResult>;
  /** The item of one object key (live or tombstone), if any. */
  get(key: string): Promise<MediaItem | undefined>;
  /** A product's live media, newest first. */
  listByProduct(
    productId: string,
    options?: { limit?: number; cursor?: Record<string, unknown> },
  ): Promise<MediaPage>;
}
