import {
  type ThumbnailOutcome as ContractOutcome,
  InvalidOutcomeError,
  parseThumbnailOutcome as parseContractOutcome,
} from '@shop/contracts/thumbnailOutcome';
import { MEDIA_STATUS } from './constants.js';
import { MalformedEventError } from './errors.js';
import type { OutcomeFields } from './MediaItem.js';

// The thumbnailer's outcome document (`<productId>/<name>/outcome.json` in ThumbnailsBucket,
// written after the thumbnails it lists; see services/thumbnails/README.md). The indexer
// validates it like any other input (the one schema both services share, in @shop/contracts):
// a document it cannot read is a broken producer, failed into the DLQ rather than guessed at.
// The indexer also needs the upload's sequencer, which the contract lets a producer omit.

/** A validated outcome document whose source carries the upload's sequencer. */
export type ThumbnailOutcome = ContractOutcome & {
  source: ContractOutcome['source'] & { sequencer: string };
};

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
  let outcome: ContractOutcome;
  try {
    outcome = parseContractOutcome(text);
  } catch (error) {
    if (error instanceof InvalidOutcomeError) {
      throw new MalformedEventError(error.message, { cause: error });
    }
    throw error;
  }
  const { sequencer } = outcome.source;
  if (sequencer === undefined || sequencer === '') {
    throw new MalformedEventError(
      'outcome object is invalid: source.sequencer an outcome without the upload sequencer cannot be ordered',
    );
  }
  return { ...outcome, source: { ...outcome.source, sequencer } };
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
