import {
  MAX_UPLOAD_KEY_BYTES,
  PRODUCT_SORT_PREFIX_BYTES,
  type UploadKey,
} from '@shop/contracts/mediaKeys';
import { MEDIA_STATUS } from './constants.js';
import type { ObjectSnapshot } from './ports.js';

export type MediaStatus = (typeof MEDIA_STATUS)[keyof typeof MEDIA_STATUS];
export type LiveStatus = Exclude<MediaStatus, 'deleted'>;

/** One thumbnail that exists in the thumbnails bucket, as the thumbnailer reported it. */
export interface MediaThumbnail {
  key: string;
  width: number;
  height: number;
  bytes: number;
}

/** What every catalog entry carries, live or deleted. */
interface MediaItemBase {
  /** Partition key: the object key in UploadsBucket (one item per key). */
  key: string;
  bucket: string;
  productId: string;
  /** File name below `uploads/<productId>/` (may contain `/`). */
  name: string;
  /** The S3 sequencer of the upload event this item describes, normalised (sequencer.ts). */
  sequencer: string;
  /** Exactly the thumbnails the thumbnailer wrote for this upload (empty until `ready`). */
  thumbnails: MediaThumbnail[];
  thumbnailsBucket?: string;
  /** When the indexer wrote this version of the item. */
  updatedAt: string;
}

/** The thumbnailer's outcome for the item's upload, once known. */
export interface OutcomeFields {
  status: Exclude<LiveStatus, 'processing'>;
  thumbnails: MediaThumbnail[];
  /** Why it was skipped or failed (a skip reason of the thumbnailer, or `render-error`). */
  reason?: string;
  detail?: string;
  /** Normalised sequencer of the outcome object's write: orders outcomes of one upload. */
  outcomeSequencer: string;
  /** When the thumbnailer wrote the outcome (ISO 8601). */
  processedAt: string;
}

/** A live object, with what a HEAD said about it when its event was processed. */
export interface LiveMediaItem
  extends MediaItemBase,
    Partial<Omit<OutcomeFields, 'status' | 'thumbnails'>> {
  status: LiveStatus;
  size: number;
  eTag: string;
  contentType?: string;
  /** User-defined metadata (`x-amz-meta-*`), keys lower-cased by S3. */
  metadata: Record<string, string>;
  /** ISO 8601, from the object's Last-Modified. */
  lastModified: string;
  /** Sort key of the `byProduct` index: newest first when read backwards. */
  productSort: string;
}

/**
 * A tombstone: kept (not deleted) so that an older `Object Created` delivered late cannot
 * bring the object back. Attributes of the last live version stay on the item, except the
 * thumbnails, which the thumbnailer deletes with the upload.
 */
export interface DeletedMediaItem extends MediaItemBase {
  status: typeof MEDIA_STATUS.deleted;
  /** ISO 8601, the time of the delete event. */
  deletedAt: string;
}

export type MediaItem = LiveMediaItem | DeletedMediaItem;

/** Settings that shape every item. */
export interface ItemSettings {
  thumbnailsBucket?: string;
}

/**
 * The longest `byProduct` sort key (UTF-8 bytes): `lastModified` as `Date#toISOString` writes
 * it (24 bytes for years 0000-9999), `#`, and the longest upload key `parseUploadKey` takes.
 * DynamoDB refuses a write whose index sort key is over 1024 bytes (ValidationException, which
 * no retry cures); `MAX_UPLOAD_KEY_BYTES` (`@shop/contracts/mediaKeys`) is chosen so this fits,
 * and tests/unit/keyLimits.test.ts checks every key attribute of MediaTable against the template.
 */
export const MAX_PRODUCT_SORT_BYTES = PRODUCT_SORT_PREFIX_BYTES + MAX_UPLOAD_KEY_BYTES;

/**
 * The `byProduct` sort key: last-modified time, then the key so equal times stay distinct.
 * ISO 8601 UTC strings sort chronologically. At most {@link MAX_PRODUCT_SORT_BYTES}.
 *
 * @example
 * productSortKey('2026-01-02T03:04:05.000Z', 'uploads/p1/a.jpg'); // '2026-01-02T03:04:05.000Z#uploads/p1/a.jpg'
 */
export const productSortKey = (lastModified: string, key: string): string =>
  `${lastModified}#${key}`;

const baseOf = (
  upload: UploadKey,
  bucket: string,
  sequencer: string,
  settings: ItemSettings,
  now: Date,
): MediaItemBase => ({
  key: upload.key,
  bucket,
  productId: upload.productId,
  name: upload.name,
  sequencer,
  thumbnails: [],
  ...(settings.thumbnailsBucket === undefined
    ? {}
    : { thumbnailsBucket: settings.thumbnailsBucket }),
  updatedAt: now.toISOString(),
});

/**
 * The catalog entry of a live object whose thumbnails are not known yet (`processing`).
 *
 * @example
 * buildUploadedItem(upload, 'uploads-bucket', seq, head, { thumbnailsBucket }, new Date());
 */
export const buildUploadedItem = (
  upload: UploadKey,
  bucket: string,
  sequencer: string,
  snapshot: ObjectSnapshot,
  settings: ItemSettings,
  now: Date,
): LiveMediaItem => ({
  ...baseOf(upload, bucket, sequencer, settings, now),
  status: MEDIA_STATUS.processing,
  size: snapshot.size,
  eTag: snapshot.eTag,
  ...(snapshot.contentType === undefined ? {} : { contentType: snapshot.contentType }),
  metadata: { ...snapshot.metadata },
  lastModified: snapshot.lastModified,
  productSort: productSortKey(snapshot.lastModified, upload.key),
});

/**
 * The tombstone of a deleted object.
 *
 * @example
 * buildDeletedItem(upload, 'uploads-bucket', seq, '2026-01-02T03:04:05Z', settings, new Date());
 */
export const buildDeletedItem = (
  upload: UploadKey,
  bucket: string,
  sequencer: string,
  deletedAt: string,
  settings: ItemSettings,
  now: Date,
): DeletedMediaItem => ({
  ...baseOf(upload, bucket, sequencer, settings, now),
  status: MEDIA_STATUS.deleted,
  deletedAt,
});
