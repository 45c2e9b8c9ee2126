import { parseUploadKey } from '@shop/contracts/mediaKeys';
import { IGNORE_REASONS } from './constants.js';
import { buildDeletedItem, buildUploadedItem, type ItemSettings } from './MediaItem.js';
import type { MediaCatalog, ObjectInspector } from './ports.js';
import type { IgnoreReason, IndexOutcome, ObjectChange } from './types.js';

/** What {@link indexObjectChange} works with. */
export interface IndexDependencies {
  inspector: ObjectInspector;
  catalog: Pick<MediaCatalog, 'putActive' | 'markDeleted'>;
  settings: ItemSettings;
  now?: () => Date;
}

/**
 * Apply one S3 object event of the uploads bucket to the media catalog. Safe to run for duplicates and in any
 * order: every write is conditional on the event's sequencer being newer than the stored one,
 * and deletes leave a tombstone, so an older Object Created never resurrects a deleted key.
 *
 * @example
 * const outcome = await indexObjectChange(change, { inspector, catalog, settings });
 * // { result: 'indexed', key: 'uploads/p1/a.jpg', productId: 'p1' }
 */
export const indexObjectChange = async (
  change: ObjectChange,
  deps: IndexDependencies,
): Promise<IndexOutcome> => {
  const { inspector, catalog, settings } = deps;
  const now = (deps.now ?? (() => new Date()))();
  const upload = parseUploadKey(change.key);
  if (upload === undefined) {
    return { result: 'ignored', key: change.key, reason: IGNORE_REASONS.notProductMedia };
  }
  const ignored = (reason: IgnoreReason): IndexOutcome => ({
    result: 'ignored',
    key: upload.key,
    reason,
  });

  if (change.kind === 'deleted') {
    const tombstone = buildDeletedItem(
      upload,
      change.bucket,
      change.sequencer,
      change.eventTime,
      settings,
      now,
    );
    const written = await catalog.markDeleted(tombstone);
    return written === 'applied'
      ? { result: 'deleted', key: upload.key, productId: upload.productId }
      : ignored(IGNORE_REASONS.staleOrDuplicate);
  }

  // Metadata comes from a HEAD now, not from the event (which has no content type or user
  // metadata). If the object is gone, or is no longer the version the event describes, a
  // newer event for this key exists and will bring the catalog up to date; retrying this one
  // could never succeed, so it is acknowledged, not failed.
  const snapshot = await inspector.inspect(change.bucket, upload.key);
  if (snapshot === undefined) return ignored(IGNORE_REASONS.objectVanished);
  if (change.eTag !== undefined && snapshot.eTag !== change.eTag) {
    return ignored(IGNORE_REASONS.superseded);
  }
  // A new upload version starts `processing`: its thumbnails are unknown until the
  // thumbnailer's outcome for exactly this upload event arrives (applyThumbnailOutcome.ts).
  const item = buildUploadedItem(upload, change.bucket, change.sequencer, snapshot, settings, now);
  const written = await catalog.putActive(item);
  return written === 'applied'
    ? { result: 'indexed', key: upload.key, productId: upload.productId }
    : ignored(IGNORE_REASONS.staleOrDuplicate);
};
