import * as z from '@shop/common/validation';
import { MEDIA_STATUS } from './constants.js';
import { MalformedEventError } from './errors.js';
import type { OutcomeFields } from './MediaItem.js';

// The thumbnailer's outcome document (`<productId>/<name>/outcome.json` in ThumbnailsBucket,
// written after the thumbnails it lists; see services/thumbnails/README.md). The indexer
// validates it like any other input: a document it cannot read is a broken producer, failed
// into the DLQ rather than guessed at.

const count = z.int().check(z.minimum(0));
const dimension = z.int().check(z.positive());

const outcomeSchema = z.object({
  version: z.literal(1),
  status: z.enum(['generated', 'skipped', 'failed']),
  reason: z.optional(z.string().check(z.maxLength(100))),
  detail: z.optional(z.string().check(z.maxLength(1000))),
  source: z.object({
    bucket: z.string().check(z.minLength(1)),
    key: z.string().check(z.minLength(1)),
    eTag: z.string(),
    size: count,
    sequencer: z
      .string()
      .check(z.minLength(1, 'an outcome without the upload sequencer cannot be ordered')),
  }),
  thumbnails: z
    .array(
      z.object({
        key: z.string().check(z.minLength(1)),
        width: dimension,
        height: dimension,
        bytes: count,
      }),
    )
    .check(z.maxLength(32)),
  writtenAt: z.iso.datetime(),
});

/** A validated outcome document. */
export type ThumbnailOutcome = z.output<typeof outcomeSchema>;

const STATUS_OF = {
  generated: MEDIA_STATUS.ready,
  skipped: MEDIA_STATUS.skipped,
  failed: MEDIA_STATUS.failed,
} as const;

/**
 * Parse the text of an outcome object.
 *
 * @throws {MalformedEventError} when it is not JSON or not a version-1 outcome.
 *
 * @example
 * parseThumbnailOutcome('{"version":1,"status":"generated",...}').status; // 'generated'
 */
export const parseThumbnailOutcome = (text: string): ThumbnailOutcome => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MalformedEventError('outcome object is not JSON', { cause: error });
  }
  const parsed = outcomeSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MalformedEventError(
      `outcome object is invalid: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
      { cause: parsed.error },
    );
  }
  return parsed.data;
};

/**
 * The catalog attributes an outcome sets.
 *
 * @example
 * outcomeFields(outcome, outcomeSequencer); // { status: 'ready', thumbnails: [...], ... }
 */
export const outcomeFields = (
  outcome: ThumbnailOutcome,
  outcomeSequencer: string,
): OutcomeFields => ({
  status: STATUS_OF[outcome.status],
  // Only a generated outcome lists thumbnails; the others never have any.
  thumbnails: outcome.status === 'generated' ? outcome.thumbnails : [],
  ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
  ...(outcome.detail === undefined ? {} : { detail: outcome.detail }),
  outcomeSequencer,
  processedAt: outcome.writtenAt,
});
