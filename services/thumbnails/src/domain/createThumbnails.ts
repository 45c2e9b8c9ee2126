import { parseUploadKey, thumbnailKeys } from '@shop/contracts/mediaKeys';
import { ImageRejectedError, SourceChangedError } from './errors.js';
import type { ImageRenderer, ObjectHead, SourceStore, ThumbnailStore } from './ports.js';
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
 * outcome document, whose Object Created event tells the indexer. If the upload was replaced
 * or deleted meanwhile (a HEAD shows another ETag), nothing is written: the newer version's
 * own event writes its outcome, and an older outcome must not overwrite it. Returns whether
 * the outcome was written.
 */
const conclude = async (
  deps: CreateThumbnailsDeps,
  at: { outcomeKey: string; expectedKeys: readonly string[] },
  source: ThumbnailOutcome['source'],
  previous: ThumbnailOutcome | undefined,
  conclusion: Conclusion,
): Promise<boolean> => {
  const current = await deps.sources.head(source.bucket, source.key);
  if (current?.etag !== source.eTag) return false;
  const kept = new Set(conclusion.thumbnails.map((thumbnail) => thumbnail.key));
  const candidates = [
    ...(previous?.thumbnails ?? []).map((thumbnail) => thumbnail.key),
    ...(kept.size === 0 ? at.expectedKeys : []),
  ];
  await deps.thumbnails.delete([...new Set(candidates)].filter((key) => !kept.has(key)));
  await deps.thumbnails.writeOutcome(at.outcomeKey, {
    version: 1,
    status: conclusion.status,
    ...(conclusion.reason === undefined ? {} : { reason: conclusion.reason }),
    ...(conclusion.detail === undefined
      ? {}
      : { detail: conclusion.detail.slice(0, OUTCOME_LIMITS.detailMaxLength) }),
    source,
    thumbnails: conclusion.thumbnails,
    writtenAt: (deps.now ?? (() => new Date()))().toISOString(),
  });
  return true;
};

const sourceOf = (object: CreatedObject, head: ObjectHead): ThumbnailOutcome['source'] => ({
  bucket: object.bucket,
  key: object.key,
  eTag: head.etag,
  size: head.size,
  ...(object.sequencer === undefined ? {} : { sequencer: object.sequencer }),
});

/**
 * Make the thumbnails of one upload: HEAD (size limit, ETag), skip if the outcome of this exact
 * ETag exists, download once, render every width from one decode, write, then write the
 * outcome. Input problems come back as `skipped` with a reason and a `skipped` outcome;
 * infrastructure errors (S3 unavailable) are thrown, so the invocation is retried.
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
  if (head === undefined) return skipped(SKIP_REASONS.sourceMissing);
  const known = { etag: head.etag, sourceBytes: head.size };
  const source = sourceOf(object, head);
  const previous = await deps.thumbnails.readOutcome(at.outcomeKey);
  const reject = async (reason: SkipReason, detail?: string) => {
    const written = await conclude(deps, at, source, previous, {
      status: OUTCOME_STATUSES.skipped,
      reason,
      ...(detail === undefined ? {} : { detail }),
      thumbnails: [],
    });
    if (!written) return skipped(SKIP_REASONS.superseded, known);
    return skipped(reason, { ...known, ...(detail === undefined ? {} : { detail }) });
  };

  if (head.size === 0) return reject(SKIP_REASONS.empty, 'zero bytes');
  if (head.size > deps.maxSourceBytes) {
    return reject(SKIP_REASONS.tooManyBytes, `limit ${deps.maxSourceBytes}`);
  }
  if (
    previous !== undefined &&
    previous.source.eTag === head.etag &&
    previous.status !== OUTCOME_STATUSES.failed
  ) {
    // Same bytes, same result: only the upload event's sequencer is new (if it is).
    if (previous.source.sequencer !== object.sequencer) {
      await deps.thumbnails.writeOutcome(at.outcomeKey, {
        ...previous,
        source,
        writtenAt: (deps.now ?? (() => new Date()))().toISOString(),
      });
    }
    return skipped(SKIP_REASONS.unchanged, known);
  }

  let body: Uint8Array;
  try {
    body = await deps.sources.read(object.bucket, object.key, head.etag);
  } catch (error) {
    if (error instanceof SourceChangedError) return skipped(SKIP_REASONS.superseded, known);
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
    await conclude(deps, at, source, previous, {
      status: OUTCOME_STATUSES.failed,
      reason: RENDER_ERROR,
      detail: (error as Error).message?.slice(0, 200) ?? 'unknown',
      thumbnails: [],
    });
    throw error;
  }

  const thumbnails = rendered.map((image, index) => ({
    key: at.expectedKeys[index] as string,
    width: image.outputWidth,
    height: image.outputHeight,
    body: image.body,
  }));
  for (const thumbnail of thumbnails) await deps.thumbnails.put(thumbnail, head.etag);
  const written = thumbnails.map(({ key, width, height, body: data }) => ({
    key,
    width,
    height,
    bytes: data.byteLength,
  }));
  const concluded = await conclude(deps, at, source, previous, {
    status: OUTCOME_STATUSES.generated,
    thumbnails: written,
  });
  // Replaced meanwhile: the newer version's run rewrites these keys (or its delete removes them).
  if (!concluded) return skipped(SKIP_REASONS.superseded, known);
  return { status: 'created', ...known, thumbnails: written };
};
