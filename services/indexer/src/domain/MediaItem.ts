import { thumbnailKeys, type UploadKey } from '@shop/contracts/mediaKeys';
import type { ObjectSnapshot } from './ports.js';

/** Lifecycle of a catalog entry, `as const` rather than an enum. */
export const MEDIA_STATUS = { ACTIVE: 'ACTIVE', DELETED: 'DELETED' } as const;
export type MediaStatus = (typeof MEDIA_STATUS)[keyof typeof MEDIA_STATUS];

/** What every catalog entry carries, live or deleted. */
interface MediaItemBase {
  /** Partition key: the object key in UploadsBucket (one item per key). */
  key: string;
  bucket: string;
  productId: string;
  /** File name below `uploads/<productId>/` (may contain `/`). */
  name: string;
  /** The S3 sequencer of the last applied event, normalised (see sequencer.ts). */
  sequencer: string;
  /** Keys the thumbnailer writes for this upload (same mapping function). */
  thumbnailKeys: string[];
  thumbnailsBucket?: string;
  /** When the indexer wrote this version of the item. */
  updatedAt: string;
}

/** A live object, with what a HEAD said about it when its event was processed. */
export interface ActiveMediaItem extends MediaItemBase {
  status: typeof MEDIA_STATUS.ACTIVE;
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
 * bring the object back. Attributes of the last live version stay on the item.
 */
export interface DeletedMediaItem extends MediaItemBase {
  status: typeof MEDIA_STATUS.DELETED;
  /** ISO 8601, the time of the delete event. */
  deletedAt: string;
}

export type MediaItem = ActiveMediaItem | DeletedMediaItem;

/** Settings that shape every item. */
export interface ItemSettings {
  thumbnailWidths: readonly number[];
  thumbnailsBucket?: string;
}

/**
 * The `byProduct` sort key: last-modified time, then the key so equal times stay distinct.
 * ISO 8601 UTC strings sort chronologically.
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
  thumbnailKeys: thumbnailKeys(upload, settings.thumbnailWidths),
  ...(settings.thumbnailsBucket === undefined
    ? {}
    : { thumbnailsBucket: settings.thumbnailsBucket }),
  updatedAt: now.toISOString(),
});

/**
 * The catalog entry of a live object.
 *
 * @example
 * buildActiveItem(upload, 'uploads-bucket', seq, head, { thumbnailWidths: [128] }, new Date());
 */
export const buildActiveItem = (
  upload: UploadKey,
  bucket: string,
  sequencer: string,
  snapshot: ObjectSnapshot,
  settings: ItemSettings,
  now: Date,
): ActiveMediaItem => ({
  ...baseOf(upload, bucket, sequencer, settings, now),
  status: MEDIA_STATUS.ACTIVE,
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
  status: MEDIA_STATUS.DELETED,
  deletedAt,
});
