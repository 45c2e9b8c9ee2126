import {
  MAX_THUMBNAILED_KEY_BYTES,
  parseUploadKey,
  thumbnailKeys,
} from '@shop/contracts/mediaKeys';
import { type CreateThumbnailsDeps, createThumbnails } from './createThumbnails.js';
import { isLaterSequencer } from './sequencers.js';
import { SKIP_REASONS, type SkipReason } from './skipReasons.js';
import { outcomeKey } from './ThumbnailOutcome.js';

/** An object that was removed from the uploads bucket. */
export interface RemovedObject {
  bucket: string;
  key: string;
  /** The delete event's sequencer: an outcome of a later upload of the key is not this delete's. */
  sequencer?: string;
}

/**
 * What a delete needs: the stores, the widths whose keys it deletes, and what it takes to
 * render the key again when a re-upload raced it (see {@link deleteThumbnails}).
 */
export type DeleteThumbnailsDeps = CreateThumbnailsDeps;

export type DeleteThumbnailsResult =
  | { status: 'deleted'; keys: string[] }
  | { status: 'skipped'; reason: SkipReason };

/**
 * Delete the thumbnails of a removed upload, and its outcome: the thumbnails its outcome lists
 * plus `thumbnailKeys(upload, widths)` (an older run may have left some without an outcome),
 * each only if it exists, so `keys` (and the ThumbnailsDeleted metric) counts what was really
 * there. Never a prefix (`a.jpg/` is also the prefix of the thumbnails of `a.jpg/b.png`).
 *
 * S3 does not order notifications, and the key can be uploaded again while this runs:
 * - uploaded again before the delete's HEAD, or an outcome of an upload after this delete
 *   (a later sequencer): nothing is deleted, the files belong to the new object;
 * - the outcome is deleted only if it is still the version read (S3's conditional delete), so
 *   an outcome the re-upload's run wrote meanwhile stays;
 * - afterwards, if the key exists again and its outcome names what is stored, the thumbnails
 *   are made again where the deletes removed some (the re-upload's run, if its outcome comes
 *   later, checks its own thumbnails after writing it).
 *
 * @example
 * await deleteThumbnails({ bucket, key: 'uploads/p-1/a.jpg', sequencer }, deps);
 * // { status: 'deleted', keys: ['p-1/a.jpg/512.webp', 'p-1/a.jpg/128.webp'] }
 */
export const deleteThumbnails = async (
  object: RemovedObject,
  deps: DeleteThumbnailsDeps,
): Promise<DeleteThumbnailsResult> => {
  // Up to the S3 bound, not the catalog's: uploads of 1000-1019 bytes were thumbnailed before
  // the catalog's bound lowered the limit, and their thumbnails go with them.
  const upload = parseUploadKey(object.key, MAX_THUMBNAILED_KEY_BYTES);
  if (upload === undefined) return { status: 'skipped', reason: SKIP_REASONS.notAnUploadKey };
  if ((await deps.sources.head(object.bucket, object.key)) !== undefined) {
    return { status: 'skipped', reason: SKIP_REASONS.sourceExists };
  }
  const outcomeAt = outcomeKey(upload);
  const stored = await deps.thumbnails.readOutcome(outcomeAt);
  if (isLaterSequencer(stored?.outcome?.source.sequencer, object.sequencer)) {
    return { status: 'skipped', reason: SKIP_REASONS.superseded };
  }
  const candidates = [
    ...new Set([
      ...(stored?.outcome?.thumbnails ?? []).map((thumbnail) => thumbnail.key),
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
  await deps.thumbnails.delete(keys);
  if (stored !== undefined) await deps.thumbnails.deleteOutcome(outcomeAt, stored.etag);
  await repairRacedUpload(object, outcomeAt, deps);
  return { status: 'deleted', keys };
};

/**
 * The key was uploaded again while the deletes ran: if that upload's outcome is already there
 * (it names what is stored now), make its thumbnails again where the deletes removed some
 * (`createThumbnails` renders only when one is missing). Its outcome keeps its sequencer, so
 * the catalog item of that upload still takes it.
 */
const repairRacedUpload = async (
  object: RemovedObject,
  outcomeAt: string,
  deps: DeleteThumbnailsDeps,
): Promise<void> => {
  const current = await deps.sources.head(object.bucket, object.key);
  if (current === undefined) return;
  const now = (await deps.thumbnails.readOutcome(outcomeAt))?.outcome;
  // No outcome of this version yet: its run checks its thumbnails after writing it. Only a
  // generated outcome lists thumbnails (a failed one is retried by its own event).
  if (now === undefined || now.source.eTag !== current.etag || now.status !== 'generated') return;
  const { sequencer } = now.source;
  await createThumbnails(
    {
      bucket: object.bucket,
      key: object.key,
      eTag: current.etag,
      ...(sequencer === undefined ? {} : { sequencer }),
    },
    deps,
  );
};
