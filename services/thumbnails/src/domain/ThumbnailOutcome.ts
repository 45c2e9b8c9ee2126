import * as z from '@shop/common/validation';
import type { UploadKey } from '@shop/contracts/mediaKeys';

// What the thumbnailer did with one upload, written to ThumbnailsBucket next to the thumbnails
// (`<productId>/<name>/outcome.json`) AFTER them, so whoever sees the outcome can rely on every
// thumbnail it lists existing. The bucket's `Object Created` event for this key is the
// thumbnailer's outcome event: an EventBridge rule routes it to IndexQueue, and the indexer
// reads the object and updates the catalog item. `source.sequencer` is the sequencer of the
// upload's own S3 event (the same value S3 puts on the EventBridge event the indexer indexed),
// so a late outcome for a replaced or deleted upload can be told apart from the current one.

/** The outcome object's name, next to the `<width>.webp` thumbnails. */
export const OUTCOME_FILE = 'outcome.json';

/** Outcome statuses, `as const` rather than an enum. */
export const OUTCOME_STATUSES = {
  generated: 'generated',
  skipped: 'skipped',
  failed: 'failed',
} as const;
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[keyof typeof OUTCOME_STATUSES];

const thumbnailSchema = z.object({
  key: z.string().check(z.minLength(1)),
  width: z.int().check(z.positive()),
  height: z.int().check(z.positive()),
  bytes: z.int().check(z.minimum(0)),
});

/** Version 1 of the outcome document (the indexer validates the same shape). */
export const thumbnailOutcomeSchema = z.object({
  version: z.literal(1),
  status: z.enum([OUTCOME_STATUSES.generated, OUTCOME_STATUSES.skipped, OUTCOME_STATUSES.failed]),
  /** Skip reason (see skipReasons.ts) or `render-error` for a failure. */
  reason: z.optional(z.string()),
  detail: z.optional(z.string()),
  source: z.object({
    bucket: z.string().check(z.minLength(1)),
    key: z.string().check(z.minLength(1)),
    eTag: z.string(),
    size: z.int().check(z.minimum(0)),
    /** The upload event's sequencer as S3 sent it (absent only if the event had none). */
    sequencer: z.optional(z.string()),
  }),
  /** Exactly the thumbnails that were written for this source version, largest first. */
  thumbnails: z.array(thumbnailSchema),
  /** ISO 8601: when the thumbnailer wrote this outcome. */
  writtenAt: z.string(),
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

/**
 * An outcome document read back from the bucket; `undefined` when it is not one (an object
 * written by something else, or an older format): it is then treated as absent.
 *
 * @example
 * parseOutcome('{"version":1,...}')?.status; // 'generated'
 */
export const parseOutcome = (text: string): ThumbnailOutcome | undefined => {
  try {
    const parsed = z.safeParse(thumbnailOutcomeSchema, JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};
