// What the use case needs from the outside world. Adapters implement these over S3 and
// DynamoDB; unit tests pass in-memory fakes.
import type { ActiveMediaItem, DeletedMediaItem } from './MediaItem.js';

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

/** `applied` when the write happened; `stale` when the stored sequencer was equal or newer. */
export type WriteResult = 'applied' | 'stale';

/** The media catalog (MediaTable). Every write is conditional on the sequencer. */
export interface MediaCatalog {
  /** Store a live object, only if no newer event for its key has been applied. */
  putActive(item: ActiveMediaItem): Promise<WriteResult>;
  /** Mark a key deleted (creating a tombstone if needed), only if this event is the newest. */
  markDeleted(item: DeletedMediaItem): Promise<WriteResult>;
}
