import { parseUploadKey } from '@shop/contracts/mediaKeys';
import { IGNORE_REASONS } from './constants.js';
import { MalformedEventError } from './errors.js';
import { buildUploadedItem, type ItemSettings } from './MediaItem.js';
import type { MediaCatalog, ObjectInspector, OutcomeReader } from './ports.js';
import { normaliseSequencer } from './sequencer.js';
import { outcomeFields, parseThumbnailOutcome } from './ThumbnailOutcome.js';
import type { IgnoreReason, IndexOutcome, OutcomeChange } from './types.js';

/** What {@link applyThumbnailOutcome} works with. */
export interface OutcomeDependencies {
  outcomes: OutcomeReader;
  inspector: ObjectInspector;
  catalog: MediaCatalog;
  settings: ItemSettings & { uploadsBucket: string };
  now?: () => Date;
}

/**
 * Record the thumbnailer's outcome (generated -> `ready` with its thumbnails, skipped or
 * failed with the reason) on the catalog item of the upload it is about. Safe for duplicates
 * and any order:
 * - the outcome names the upload event (`source.sequencer`) it answers; it applies only while
 *   the item still describes that event, so a late outcome for a replaced or deleted upload
 *   changes nothing;
 * - outcomes of one upload are ordered by the outcome object's own sequencer;
 * - an outcome that arrives before its upload's `Object Created` was indexed indexes the
 *   upload itself (HEAD, same ETag) with the outcome, under the upload event's sequencer, so
 *   that Object Created is then a duplicate rather than a reset to `processing`.
 * The object is read when the event is processed; if it has been rewritten since (another
 * ETag), the newer write has its own event and this one is acknowledged.
 *
 * @throws {MalformedEventError} for an outcome document that cannot be read.
 *
 * @example
 * await applyThumbnailOutcome(change, { outcomes, inspector, catalog, settings });
 * // { result: 'processed', key: 'uploads/p1/a.jpg', productId: 'p1', status: 'ready' }
 */
export const applyThumbnailOutcome = async (
  change: OutcomeChange,
  deps: OutcomeDependencies,
): Promise<IndexOutcome> => {
  const stored = await deps.outcomes.read(change.bucket, change.key);
  const ignored = (reason: IgnoreReason) =>
    ({ result: 'ignored', key: change.key, reason }) as const;
  // Gone: the upload was deleted and the thumbnailer removed its outcome with its thumbnails.
  if (stored === undefined) return ignored(IGNORE_REASONS.objectVanished);
  if (change.eTag !== undefined && stored.eTag !== change.eTag) {
    return ignored(IGNORE_REASONS.superseded);
  }
  const outcome = parseThumbnailOutcome(stored.text);
  if (outcome.source.bucket !== deps.settings.uploadsBucket) {
    throw new MalformedEventError(`outcome names bucket "${outcome.source.bucket}"`);
  }
  const upload = parseUploadKey(outcome.source.key);
  if (upload === undefined) return ignored(IGNORE_REASONS.notProductMedia);
  const sequencer = normaliseSequencer(outcome.source.sequencer);
  const fields = outcomeFields(outcome, change.sequencer);
  const processed = {
    result: 'processed',
    key: upload.key,
    productId: upload.productId,
    status: fields.status,
  } as const;

  if ((await deps.catalog.applyOutcome(upload.key, sequencer, fields)) === 'applied') {
    return processed;
  }
  const item = await deps.catalog.get(upload.key);
  if (item !== undefined && item.sequencer >= sequencer) {
    // A newer upload or delete, or this very outcome (or a newer one) already recorded.
    return { ...ignored(IGNORE_REASONS.staleOrDuplicate), key: upload.key };
  }
  // The outcome overtook its upload's Object Created: index the upload from a HEAD.
  const snapshot = await deps.inspector.inspect(outcome.source.bucket, upload.key);
  if (snapshot === undefined) return { ...ignored(IGNORE_REASONS.objectVanished), key: upload.key };
  if (snapshot.eTag !== outcome.source.eTag) {
    return { ...ignored(IGNORE_REASONS.superseded), key: upload.key };
  }
  const now = (deps.now ?? (() => new Date()))();
  const uploaded = buildUploadedItem(
    upload,
    outcome.source.bucket,
    sequencer,
    snapshot,
    deps.settings,
    now,
  );
  if ((await deps.catalog.putActive({ ...uploaded, ...fields })) === 'applied') return processed;
  // Its Object Created landed in between: record the outcome on it.
  return (await deps.catalog.applyOutcome(upload.key, sequencer, fields)) === 'applied'
    ? processed
    : { ...ignored(IGNORE_REASONS.staleOrDuplicate), key: upload.key };
};
