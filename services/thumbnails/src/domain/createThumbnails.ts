import { parseUploadKey, thumbnailKeys } from '@shop/contracts/mediaKeys';
import { ImageRejectedError, SourceChangedError, SourceUnreadableError } from './errors.js';
import type {
  ImageRenderer,
  ObjectHead,
  SourceStore,
  StoredOutcome,
  ThumbnailStore,
} from './ports.js';
import { unreadableFromHead, unreadableFromRefusal } from './readability.js';
import { isLaterSequencer } from './sequencers.js';
import { SKIP_REASONS, type SkipReason } from './skipReasons.js';
import {
  OUTCOME_LIMITS,
  OUTCOME_STATUSES,
  type OutcomeStatus,
  type OutcomeThumbnail,
  outcomeKey,
  RENDER_ERROR,
  type ThumbnailOutcome,
} from './ThumbnailOutcome.js';

/** An object that was created or overwritten in the uploads bucket. */
export interface CreatedObject {
  bucket: string;
  key: string;
  /**
   * The version the S3 event is about: when the object now has another ETag, a newer upload
   * replaced it, and that upload's own event writes the outcome.
   */
  eTag?: string;
  /** The S3 event's sequencer, carried into the outcome so the indexer can order it. */
  sequencer?: string;
}

export interface CreateThumbnailsDeps {
  sources: SourceStore;
  thumbnails: ThumbnailStore;
  renderer: ImageRenderer;
  /** Thumbnail box sizes in px (any order; rendered largest first). */
  widths: readonly number[];
  /** Larger sources are skipped after the HEAD, before any byte is downloaded. */
  maxSourceBytes: number;
  now?: () => Date;
}

/** A thumbnail that was written. */
export type WrittenThumbnail = OutcomeThumbnail;

export type CreateThumbnailsResult =
  | { status: 'created'; etag: string; sourceBytes: number; thumbnails: WrittenThumbnail[] }
  | { status: 'skipped'; reason: SkipReason; detail?: string; etag?: string; sourceBytes?: number };

const skipped = (
  reason: SkipReason,
  extra: { detail?: string; etag?: string; sourceBytes?: number } = {},
): CreateThumbnailsResult => ({ status: 'skipped', reason, ...extra });

/** What every outcome of one source version shares, and how to conclude it. */
interface Conclusion {
  status: OutcomeStatus;
  reason?: string;
  detail?: string;
  thumbnails: WrittenThumbnail[];
}

/**
 * Write the outcome LAST: first delete what the previous outcome listed that this one does not
 * (an overwrite of a good image by a bad one leaves no stale thumbnails; with no thumbnails,
 * the expected keys go too, in case an older run left some without an outcome), then the
 * outcome document, whose Object Created event tells the indexer. Returns whether the outcome
 * was written and still stands for what is stored, and whether any thumbnail was deleted (a
 * run that was superseded after deleting must bring the files back to what is stored).
 *
 * Runs of other versions of the key race this one, and S3 does not order their events:
 * - the upload was replaced or deleted (a HEAD shows another ETag): nothing is written; the
 *   newer version's own event writes its outcome, which an older one must not overwrite;
 * - the write is conditional on the document read (`stored`): if another run wrote the
 *   outcome since, it is read again and the round starts over, so a run that stalled after
 *   its HEAD cannot overwrite the outcome of a version uploaded meanwhile;
 * - the upload changed between the HEAD and the write: a HEAD after the write sees it; for a
 *   deleted upload (whose delete found no outcome to remove) the outcome written is removed
 *   again (conditionally: only that version), a replaced one's run overwrites it.
 *
 * @throws {Error} when {@link CONVERGE_ROUNDS} + 1 writes in a row are refused because other
 *   runs rewrote the outcome (Lambda retries the event).
 */
const conclude = async (
  object: CreatedObject,
  deps: CreateThumbnailsDeps,
  at: { outcomeKey: string; expectedKeys: readonly string[] },
  head: ObjectHead,
  read: StoredOutcome | undefined,
  conclusion: Conclusion,
): Promise<{ written: boolean; deletedAny: boolean }> => {
  const kept = new Set(conclusion.thumbnails.map((thumbnail) => thumbnail.key));
  let stored = read;
  let deletedAny = false;
  for (let round = 0; ; round++) {
    const current = await deps.sources.head(object.bucket, object.key);
    if (current?.etag !== head.etag) return { written: false, deletedAny };
    const previous = stored?.outcome;
    const candidates = [
      ...(previous?.thumbnails ?? []).map((thumbnail) => thumbnail.key),
      ...(kept.size === 0 ? at.expectedKeys : []),
    ];
    const stale = [...new Set(candidates)].filter((key) => !kept.has(key));
    await deps.thumbnails.delete(stale);
    deletedAny ||= stale.length > 0;
    const written = await deps.thumbnails.writeOutcome(
      at.outcomeKey,
      {
        version: 1,
        status: conclusion.status,
        ...(conclusion.reason === undefined ? {} : { reason: conclusion.reason }),
        ...(conclusion.detail === undefined
          ? {}
          : { detail: conclusion.detail.slice(0, OUTCOME_LIMITS.detailMaxLength) }),
        source: sourceOf(object, head, previous),
        thumbnails: conclusion.thumbnails,
        writtenAt: (deps.now ?? (() => new Date()))().toISOString(),
      },
      stored?.etag,
    );
    if (written !== undefined) {
      const after = await deps.sources.head(object.bucket, object.key);
      if (after?.etag === head.etag) return { written: true, deletedAny };
      if (after === undefined) await deps.thumbnails.deleteOutcome(at.outcomeKey, written);
      return { written: false, deletedAny };
    }
    if (round === CONVERGE_ROUNDS) break;
    stored = await deps.thumbnails.readOutcome(at.outcomeKey);
  }
  throw new Error(`${object.key}: its outcome kept being rewritten by other runs`);
};

/** The later of two sequencers of one key; the event's own when either is not a sequencer. */
const later = (own: string | undefined, other: string | undefined): string | undefined => {
  if (own === undefined || other === undefined) return own ?? other;
  return isLaterSequencer(other, own) ? other : own;
};

/** Write one thumbnail per rendered width at its key, tagged with the source's ETag. */
const putThumbnails = async (
  deps: CreateThumbnailsDeps,
  keys: readonly string[],
  rendered: Awaited<ReturnType<ImageRenderer['render']>>,
  sourceEtag: string,
): Promise<WrittenThumbnail[]> => {
  const written: WrittenThumbnail[] = [];
  for (const [index, image] of rendered.entries()) {
    const key = keys[index] as string;
    const thumbnail = {
      key,
      width: image.outputWidth,
      height: image.outputHeight,
      body: image.body,
    };
    await deps.thumbnails.put(thumbnail, sourceEtag);
    written.push({
      key,
      width: thumbnail.width,
      height: thumbnail.height,
      bytes: image.body.byteLength,
    });
  }
  return written;
};

/**
 * Rounds of {@link converge} and {@link restoreDeleted}, and refused outcome writes of
 * {@link conclude} after the first, before giving up (each one is another run racing this one).
 */
const CONVERGE_ROUNDS = 3;

/** The source version each of these keys' thumbnail was made from (`undefined`: none there). */
const sourceEtagsOf = (deps: CreateThumbnailsDeps, keys: readonly string[]) =>
  Promise.all(keys.map((key) => deps.thumbnails.sourceEtagOf(key)));

/** Whether each of these keys holds a thumbnail made from the source version `etag`. */
const madeFrom = async (deps: CreateThumbnailsDeps, keys: readonly string[], etag: string) =>
  (await sourceEtagsOf(deps, keys)).map((made) => made === etag);

/** Whether every one of these thumbnails exists and was made from the source version `etag`. */
const allMadeFrom = async (
  deps: CreateThumbnailsDeps,
  thumbnails: readonly OutcomeThumbnail[],
  etag: string,
) => {
  const made = await madeFrom(
    deps,
    thumbnails.map((thumbnail) => thumbnail.key),
    etag,
  );
  return made.every(Boolean);
};

/**
 * After this run's outcome went out, put back any of its thumbnails that are gone or were
 * made from another version. The run of a delete of the previous version that overlapped this
 * one (the key was deleted and uploaded again) may have removed them after they were written:
 * its deletes ran before this outcome existed, so it could not know (when they run after, the
 * delete sees this outcome and repairs them itself); a run of an older version that stalled
 * may have overwritten them. Stops when the source is no longer this version: its newer run
 * owns the files.
 *
 * @throws {Error} when they keep disappearing for {@link CONVERGE_ROUNDS} rounds.
 */
const restoreDeleted = async (
  object: CreatedObject,
  deps: CreateThumbnailsDeps,
  keys: readonly string[],
  rendered: Awaited<ReturnType<ImageRenderer['render']>>,
  etag: string,
): Promise<void> => {
  for (let round = 0; ; round++) {
    const present = await madeFrom(deps, keys, etag);
    if (present.every(Boolean)) return;
    if (round === CONVERGE_ROUNDS) break;
    if ((await deps.sources.head(object.bucket, object.key))?.etag !== etag) return;
    const gone = present.flatMap((exists, index) => (exists ? [] : [index]));
    await putThumbnails(
      deps,
      gone.map((index) => keys[index] as string),
      gone.map((index) => rendered[index] as (typeof rendered)[number]),
      etag,
    );
  }
  throw new Error(`${object.key}: its thumbnails kept disappearing after its outcome`);
};

/**
 * The skip the HEAD alone decides, before any byte is downloaded: empty, over
 * `maxSourceBytes`, or bytes S3 would refuse this function on every try (archived, SSE-C).
 */
const skipFromHead = (
  head: ObjectHead,
  maxSourceBytes: number,
): [reason: SkipReason, detail: string] | undefined => {
  if (head.size === 0) return [SKIP_REASONS.empty, 'zero bytes'];
  if (head.size > maxSourceBytes) return [SKIP_REASONS.tooManyBytes, `limit ${maxSourceBytes}`];
  const unreadable = unreadableFromHead(head);
  return unreadable === undefined ? undefined : [SKIP_REASONS.sourceUnreadable, unreadable];
};

/**
 * After this run's thumbnails went out for a version that is no longer stored, make the
 * thumbnail files show what is stored now: the current version rendered (the newer run may
 * have written its own before ours landed), none for a deleted upload or one that is not an
 * image. The outcome stays the newer run's (or the delete's) to write. Repeats while the
 * object keeps changing under it; an upload after the last check has its own run, which
 * starts after these writes. Returns whether it wrote or deleted anything.
 *
 * @throws {Error} after {@link CONVERGE_ROUNDS} changes in a row (Lambda retries the event).
 */
const converge = async (
  object: CreatedObject,
  deps: CreateThumbnailsDeps,
  keys: readonly string[],
  widths: readonly number[],
  shownEtag: string,
): Promise<boolean> => {
  let shown: string | undefined = shownEtag;
  let changed = false;
  for (let round = 0; ; round++) {
    const current = await deps.sources.head(object.bucket, object.key);
    if (current?.etag === shown) return changed;
    if (round === CONVERGE_ROUNDS) break;
    const before = shown;
    shown = current?.etag;
    if (current === undefined || skipFromHead(current, deps.maxSourceBytes) !== undefined) {
      await deps.thumbnails.delete(keys);
      changed = true;
      continue;
    }
    let rendered: Awaited<ReturnType<ImageRenderer['render']>>;
    try {
      rendered = await deps.renderer.render(
        await deps.sources.read(object.bucket, object.key, current.etag),
        widths,
      );
    } catch (error) {
      if (error instanceof SourceChangedError) {
        shown = before; // nothing written: the files still show what they showed
        continue;
      }
      const unreadable =
        error instanceof SourceUnreadableError && unreadableFromRefusal(current, error);
      if (!(error instanceof ImageRejectedError || unreadable)) throw error;
      await deps.thumbnails.delete(keys);
      changed = true;
      continue;
    }
    await putThumbnails(deps, keys, rendered, current.etag);
    changed = true;
  }
  throw new Error(`${object.key} kept changing while its thumbnails were repaired`);
};

/**
 * Whether the files show what `outcome` (of the stored version `etag`) says: every thumbnail
 * it lists made from that version, and no other expected key holding anything.
 */
const filesShow = async (
  deps: CreateThumbnailsDeps,
  expectedKeys: readonly string[],
  outcome: ThumbnailOutcome,
  etag: string,
): Promise<boolean> => {
  const listed = new Set(outcome.thumbnails.map((thumbnail) => thumbnail.key));
  const keys = [...new Set([...listed, ...expectedKeys])];
  const made = await sourceEtagsOf(deps, keys);
  return keys.every((key, index) =>
    listed.has(key) ? made[index] === etag : made[index] === undefined,
  );
};

/** The skip's `detail` when {@link repairAfterSuperseded} rewrote or removed thumbnails. */
const FILES_REPAIRED = 'brought the thumbnails back to what is stored';

/**
 * The event's version is no longer stored (replaced or deleted). A run of this event may have
 * written files after the newer version's run (or the delete's) had finished, and stopped
 * before it put things right: a crash or timeout in {@link converge}, or between writing its
 * outcome for a deleted upload and taking it back. This may be Lambda's retry of it, and
 * nothing else would repair the files until the key changes again:
 * - replaced: once the stored version's run has concluded (the outcome names it; `failed` is
 *   retried by its own event), files that do not show that outcome (made from another
 *   version, or there when it lists none) are brought to what is stored. Before that, the
 *   stored version's run writes all its files and checks them after its outcome;
 * - deleted: thumbnails made from the event's version are removed, and so is an outcome of
 *   that version, unless it names a later upload event (the same bytes uploaded again: same
 *   ETag) and only while it is the document read (`If-Match`).
 * When the files already show what is stored, a late event changes nothing. Returns what was
 * repaired as the skip's `detail` (logged with it), if anything.
 */
const repairAfterSuperseded = async (
  object: CreatedObject,
  deps: CreateThumbnailsDeps,
  at: { outcomeKey: string; expectedKeys: readonly string[] },
  widths: readonly number[],
  current: ObjectHead | undefined,
): Promise<{ detail?: string }> => {
  const own = object.eTag;
  if (own === undefined) return {};
  const stored = await deps.thumbnails.readOutcome(at.outcomeKey);
  const outcome = stored?.outcome;
  const repaired: string[] = [];
  if (current === undefined) {
    if (
      stored !== undefined &&
      outcome?.source.eTag === own &&
      !isLaterSequencer(outcome.source.sequencer, object.sequencer) &&
      (await deps.thumbnails.deleteOutcome(at.outcomeKey, stored.etag))
    ) {
      repaired.push('removed the outcome this version left');
    }
    if (
      (await madeFrom(deps, at.expectedKeys, own)).some(Boolean) &&
      (await converge(object, deps, at.expectedKeys, widths, own))
    ) {
      repaired.push(FILES_REPAIRED);
    }
  } else if (
    outcome?.source.eTag === current.etag &&
    outcome.status !== OUTCOME_STATUSES.failed &&
    !(await filesShow(deps, at.expectedKeys, outcome, current.etag)) &&
    (await converge(object, deps, at.expectedKeys, widths, own))
  ) {
    repaired.push(FILES_REPAIRED);
  }
  return repaired.length === 0 ? {} : { detail: repaired.join('; ') };
};

/**
 * The outcome's source: this version (ETag, size) and the latest upload event known for it.
 * An identical re-upload (same ETag, newer sequencer) may have been handled before this older
 * event: its outcome already names the newer sequencer, which the catalog item carries, and an
 * outcome naming the older one would be ignored as stale, leaving the item `processing`.
 */
const sourceOf = (
  object: CreatedObject,
  head: ObjectHead,
  previous: ThumbnailOutcome | undefined,
): ThumbnailOutcome['source'] => {
  const sequencer = later(
    object.sequencer,
    previous?.source.eTag === head.etag ? previous.source.sequencer : undefined,
  );
  return {
    bucket: object.bucket,
    key: object.key,
    eTag: head.etag,
    size: head.size,
    ...(sequencer === undefined ? {} : { sequencer }),
  };
};

/**
 * Make the thumbnails of one upload: HEAD (size limit, ETag, whether S3 will serve the bytes
 * at all), skip if the outcome of this exact ETag exists, download once, render every width
 * from one decode, write, then write the outcome. Input problems come back as `skipped` with
 * a reason and a `skipped` outcome; infrastructure errors (S3 unavailable) are thrown, so the
 * invocation is retried.
 *
 * The outcome is written last and is the idempotency marker, so a crash half-way leaves no
 * marker and the retry redoes everything. A repeated or re-uploaded identical object (same
 * ETag, new sequencer) only gets its outcome rewritten with the new sequencer, so the catalog
 * item of that upload event still learns the outcome.
 *
 * @example
 * await createThumbnails({ bucket, key: 'uploads/p-1/a.jpg', sequencer }, {
 *   sources, thumbnails, renderer, widths: [512, 128], maxSourceBytes,
 * });
 * // { status: 'created', etag, thumbnails: [{ key: 'p-1/a.jpg/512.webp', ... }, ...] }
 */
export const createThumbnails = async (
  object: CreatedObject,
  deps: CreateThumbnailsDeps,
): Promise<CreateThumbnailsResult> => {
  const upload = parseUploadKey(object.key);
  if (upload === undefined) return skipped(SKIP_REASONS.notAnUploadKey);
  const widths = [...new Set(deps.widths)].sort((a, b) => b - a);
  const at = { outcomeKey: outcomeKey(upload), expectedKeys: thumbnailKeys(upload, widths) };

  const head = await deps.sources.head(object.bucket, object.key);
  if (head === undefined) {
    return skipped(
      SKIP_REASONS.sourceMissing,
      await repairAfterSuperseded(object, deps, at, widths, head),
    );
  }
  const known = { etag: head.etag, sourceBytes: head.size };
  // Another version than the event's: a newer upload, whose own event writes the outcome. An
  // outcome written here would name this older event, and the catalog would ignore it.
  if (object.eTag !== undefined && object.eTag !== head.etag) {
    const repair = await repairAfterSuperseded(object, deps, at, widths, head);
    return skipped(SKIP_REASONS.superseded, { ...known, ...repair });
  }
  const stored = await deps.thumbnails.readOutcome(at.outcomeKey);
  const previous = stored?.outcome;
  // Superseded after deleting files (stale ones, by what was read): they may have been the
  // newer version's, so the files are brought back to what is stored now.
  const concludeOrConverge = async (conclusion: Conclusion) => {
    const { written, deletedAny } = await conclude(object, deps, at, head, stored, conclusion);
    if (!written && deletedAny) await converge(object, deps, at.expectedKeys, widths, head.etag);
    return written;
  };
  const reject = async (reason: SkipReason, detail?: string) => {
    const concluded = await concludeOrConverge({
      status: OUTCOME_STATUSES.skipped,
      reason,
      ...(detail === undefined ? {} : { detail }),
      thumbnails: [],
    });
    if (!concluded) return skipped(SKIP_REASONS.superseded, known);
    return skipped(reason, { ...known, ...(detail === undefined ? {} : { detail }) });
  };

  const headSkip = skipFromHead(head, deps.maxSourceBytes);
  if (headSkip !== undefined) return reject(...headSkip);
  if (
    previous !== undefined &&
    previous.source.eTag === head.etag &&
    previous.status !== OUTCOME_STATUSES.failed &&
    // A delete that raced a re-upload of these bytes may have removed some, or a stalled run
    // of another version overwritten some: then render again.
    (await allMadeFrom(deps, previous.thumbnails, head.etag))
  ) {
    // Same bytes, same result: only the upload event's sequencer is new (if it is newer).
    if (previous.source.sequencer === sourceOf(object, head, previous).sequencer) {
      return skipped(SKIP_REASONS.unchanged, known);
    }
    const rewritten = await concludeOrConverge({
      status: previous.status,
      ...(previous.reason === undefined ? {} : { reason: previous.reason }),
      ...(previous.detail === undefined ? {} : { detail: previous.detail }),
      thumbnails: previous.thumbnails,
    });
    if (!rewritten) return skipped(SKIP_REASONS.superseded, known);
    // A delete of the previous upload may have removed them after the check above (its
    // deletes ran before this outcome existed): then render them again below.
    if (await allMadeFrom(deps, previous.thumbnails, head.etag)) {
      return skipped(SKIP_REASONS.unchanged, known);
    }
  }

  let body: Uint8Array;
  try {
    body = await deps.sources.read(object.bucket, object.key, head.etag);
  } catch (error) {
    if (error instanceof SourceChangedError) return skipped(SKIP_REASONS.superseded, known);
    // Refused although the HEAD succeeded: a KMS key that does not let this function decrypt
    // is the upload's doing; this function's own missing permissions are not (thrown).
    const refused = error instanceof SourceUnreadableError && unreadableFromRefusal(head, error);
    if (refused) return reject(SKIP_REASONS.sourceUnreadable, refused);
    throw error;
  }
  if (body.byteLength === 0) return reject(SKIP_REASONS.empty, 'zero bytes');
  if (body.byteLength > deps.maxSourceBytes) return reject(SKIP_REASONS.tooManyBytes);

  let rendered: Awaited<ReturnType<ImageRenderer['render']>>;
  try {
    rendered = await deps.renderer.render(body, widths);
  } catch (error) {
    if (error instanceof ImageRejectedError) return reject(error.reason, error.message);
    // Not the input's fault as far as we know: record the failure, then let Lambda retry
    // (a retry that succeeds writes a newer outcome).
    await concludeOrConverge({
      status: OUTCOME_STATUSES.failed,
      reason: RENDER_ERROR,
      detail: (error as Error).message?.slice(0, 200) ?? 'unknown',
      thumbnails: [],
    });
    throw error;
  }

  // Rendering takes seconds; a newer version uploaded meanwhile may already have its own
  // thumbnails, which these must not overwrite.
  if ((await deps.sources.head(object.bucket, object.key))?.etag !== head.etag) {
    return skipped(SKIP_REASONS.superseded, known);
  }
  const written = await putThumbnails(deps, at.expectedKeys, rendered, head.etag);
  const { written: concluded } = await conclude(object, deps, at, head, stored, {
    status: OUTCOME_STATUSES.generated,
    thumbnails: written,
  });
  if (!concluded) {
    // Replaced or deleted during the PUTs: the newer version's run may have finished first,
    // and these files overwrote its thumbnails. Bring them back to what is stored now.
    await converge(object, deps, at.expectedKeys, widths, head.etag);
    return skipped(SKIP_REASONS.superseded, known);
  }
  await restoreDeleted(object, deps, at.expectedKeys, rendered, head.etag);
  return { status: 'created', ...known, thumbnails: written };
};
