import { parseUploadKey, thumbnailKeys } from '@shop/contracts/mediaKeys';
import type { SourceStore, ThumbnailStore } from './ports.js';
import { SKIP_REASONS, type SkipReason } from './skipReasons.js';

/** An object that was removed from the uploads bucket. */
export interface RemovedObject {
  bucket: string;
  key: string;
}

export interface DeleteThumbnailsDeps {
  sources: SourceStore;
  thumbnails: ThumbnailStore;
}

export type DeleteThumbnailsResult =
  | { status: 'deleted'; keys: string[] }
  | { status: 'skipped'; reason: SkipReason };

/**
 * Delete the thumbnails of a removed upload: exactly `thumbnailKeys(upload, widths)`, never a
 * prefix (`a.jpg/` is also the prefix of the thumbnails of `a.jpg/b.png`). S3 does not order
 * notifications, so a delete that arrives after the key was uploaded again keeps the
 * thumbnails: they belong to the new object.
 *
 * @example
 * await deleteThumbnails({ bucket, key: 'uploads/p-1/a.jpg' }, deps, { widths: [512, 128] });
 * // { status: 'deleted', keys: ['p-1/a.jpg/512.webp', 'p-1/a.jpg/128.webp'] }
 */
export const deleteThumbnails = async (
  object: RemovedObject,
  deps: DeleteThumbnailsDeps,
  settings: { widths: readonly number[] },
): Promise<DeleteThumbnailsResult> => {
  const upload = parseUploadKey(object.key);
  if (upload === undefined) return { status: 'skipped', reason: SKIP_REASONS.notAnUploadKey };
  if ((await deps.sources.head(object.bucket, object.key)) !== undefined) {
    return { status: 'skipped', reason: SKIP_REASONS.sourceExists };
  }
  const keys = thumbnailKeys(
    upload,
    [...new Set(settings.widths)].sort((a, b) => b - a),
  );
  await deps.thumbnails.delete(keys);
  return { status: 'deleted', keys };
};
