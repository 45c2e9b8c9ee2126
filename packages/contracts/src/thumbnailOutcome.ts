import * as z from '@shop/common/validation';
import type { UploadKey } from './mediaKeys.js';

// What the thumbnailer did with one upload, written to ThumbnailsBucket next to the thumbnails
// (`<productId>/<name>/outcome.json`) AFTER them, so whoever sees the outcome can rely on every
// thumbnail it lists existing. The bucket's `Object Created` event for this key is the
// thumbnailer's outcome event: an EventBridge rule routes it to IndexQueue, and the indexer
// reads the object and updates the catalog item. `source.sequencer` is the sequencer of the
// upload's own S3 event (the value S3 also puts on the EventBridge event the indexer indexed),
// so a late outcome for a replaced or deleted upload can be told apart from the current one.
// Producer (thumbnails) and consumer (indexer) share this one schema.

/** The outcome object's name, next to the `<width>.webp` thumbnails. */
export const OUTCOME_FILE = 'outcome.json';

/** Outcome statuses, `as const` rather than an enum. */
export const OUTCOME_STATUSES = {
  generated: 'generated',
  skipped: 'skipped',
  failed: 'failed',
} as const;
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[keyof typeof OUTCOME_STATUSES];

/** Limits of the document (a producer bug cannot make the catalog item grow without bound). */
export const OUTCOME_LIMITS = { maxThumbnails: 32, reasonMaxLength: 100, detailMaxLength: 1000 };

const count = () => z.int().check(z.minimum(0));
const dimension = () => z.int().check(z.minimum(1));
const nonEmpty = () => z.string().check(z.minLength(1));

const thumbnailSchema = z.object({
  key: nonEmpty(),
  width: dimension(),
  height: dimension(),
  bytes: count(),
});

/** Version 1 of the outcome document. */
export const thumbnailOutcomeSchema = z.object({
  version: z.literal(1),
  status: z.enum([OUTCOME_STATUSES.generated, OUTCOME_STATUSES.skipped, OUTCOME_STATUSES.failed]),
  /** Skip reason, or `render-error` for a failure. */
  reason: z.optional(z.string().check(z.maxLength(OUTCOME_LIMITS.reasonMaxLength))),
  detail: z.optional(z.string().check(z.maxLength(OUTCOME_LIMITS.detailMaxLength))),
  source: z.object({
    bucket: nonEmpty(),
    key: nonEmpty(),
    eTag: z.string(),
    size: count(),
    /**
     * The upload event's sequencer as S3 sent it (absent only if the event had none). The
     * indexer cannot order an outcome without one and rejects it with its own reason.
     */
    sequencer: z.optional(z.string()),
  }),
  /** Exactly the thumbnails that were written for this source version, largest first. */
  thumbnails: z.array(thumbnailSchema).check(z.maxLength(OUTCOME_LIMITS.maxThumbnails)),
  /** ISO 8601: when the thumbnailer wrote this outcome. */
  writtenAt: z.iso.datetime(),
});

export type ThumbnailOutcome = z.infer<typeof thumbnailOutcomeSchema>;
export type OutcomeThumbnail = z.infer<typeof thumbnailSchema>;

/** Failure reason recorded when rendering throws something other than a rejection. */
export const RENDER_ERROR = 'render-error';

/**
 * The ThumbnailsBucket key of an upload's outcome.
 *
 * @example
 * outcomeKey(parseUploadKey('uploads/p-1/a.jpg')!); // 'p-1/a.jpg/outcome.json'
 */
export const outcomeKey = (upload: UploadKey): string =>
  `${upload.productId}/${upload.name}/${OUTCOME_FILE}`;

/** Why a text is not a version-1 outcome document. */
export class InvalidOutcomeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidOutcomeError';
  }
}

/**
 * Parse the text of an outcome object.
 *
 * @throws {InvalidOutcomeError} naming the first problem, when it is not JSON or not a
 * version-1 outcome.
 *
 * @example
 * parseThumbnailOutcome('{"version":1,"status":"generated",...}').status; // 'generated'
 */
export const parseThumbnailOutcome = (text: string): ThumbnailOutcome => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidOutcomeError('outcome object is not JSON', { cause: error });
  }
  const parsed = thumbnailOutcomeSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidOutcomeError(
      `outcome object is invalid: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
      { cause: parsed.error },
    );
  }
  return parsed.data;
};
