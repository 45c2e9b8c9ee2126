import { parseUploadKey, thumbnailKeys } from '@shop/contracts/mediaKeys';
import type { SourceStore, ThumbnailStore } from './ports.js';
import { SKIP_REASONS, type SkipReason } from './skipReasons.js';
import { outcomeKey } from './ThumbnailOutcome.js';

/** An object that was removed from the uploads bucket. */
export interface RemovedObject {
  bucket: string;
  key: string;
}

export interface DeleteThumbnailsDeps {
  sources: SourceStore;
  thumbnails: ThumbnailStore;
  /** Thumbnail box sizes in px: their keys are deleted even when no outcome lists them. */
  widths: readonly number[];
}

export type DeleteThumbnailsResult =
  | { status: 'deleted'; keys: string[] }
  | { status: 'skipped'; reason: SkipReason };

/**
 * Delete the thumbnails of a removed upload, and its outcome: the thumbnails its outcome lists
 * plus `thumbnailKeys(upload, widths)` (an older run may have left some without an outcome),
 * each only if it exists, so `keys` (and the ThumbnailsDeleted metric) counts what was really
 * there. Never a prefix (`a.jpg/` is also the prefix of the thumbnails of `a.jpg/b.png`). S3
 * does not order notifications, so a delete that arrives after the key was uploaded again
 * keeps the thumbnails: they belong to the new object.
 *
 * @example
 * await deleteThumbnails({ bucket, key: 'uploads/p-1/a.jpg' }, { sources, thumbnails, widths: [512, 128] });
 * // { status: 'deleted', keys: ['p-1/a.jpg/512.webp', 'p-1/a.jpg/128.webp'] }
 */
export const deleteThumbnails = async (
  object: RemovedObject,
  deps: DeleteThumbnailsDeps,
): Promise<DeleteThumbnailsResult> => {
  const upload = parseUploadKey(object.key);
  if (upload === undefined) return { status: 'skipped', reason: SKIP_REASONS.notAnUploadKey };
  if ((await deps.sources.head(object.bucket, object.key)) !== undefined) {
    return { status: 'skipped', reason: SKIP_REASONS.sourceExists };
  }
  const outcomeAt = outcomeKey(upload);
  const outcome = await deps.thumbnails.readOutcome(outcomeAt);
  const candidates = [
    ...new Set([
      ...(outcome?.thumbnails ?? []).map((thumbnail) => thumbnail.key),
      ...thumbnailKeys(
        upload,
        [...new Set(deps.widths)].sort((a, b) => b - a),
      ),
    ]),
  ];
  const found = await Promise.all(
    candidates.map(async (key) => ((await deps.thumbnails.exists(key)) ? key : undefined)),
  );
  const keys = found.filter((key): key is string => key !== undefined);
  // The outcome goes too (a missing key is not an error for DeleteObjects).
  await deps.thumbnails.delete([...keys, outcomeAt]);
  return { status: 'deleted', keys };
};
