import {
  InvalidOutcomeError,
  parseThumbnailOutcome,
  type ThumbnailOutcome,
} from '@shop/contracts/thumbnailOutcome';

// The outcome document is a contract between this service (its producer) and the indexer (its
// consumer): one schema in @shop/contracts/thumbnailOutcome.
export {
  OUTCOME_FILE,
  OUTCOME_LIMITS,
  OUTCOME_STATUSES,
  type OutcomeStatus,
  type OutcomeThumbnail,
  outcomeKey,
  RENDER_ERROR,
  type ThumbnailOutcome,
} from '@shop/contracts/thumbnailOutcome';

/**
 * An outcome document read back from the bucket; `undefined` when it is not one (an object
 * written by something else, or an older format): it is then treated as absent.
 *
 * @example
 * parseOutcome('{"version":1,...}')?.status; // 'generated'
 */
export const parseOutcome = (text: string): ThumbnailOutcome | undefined => {
  try {
    return parseThumbnailOutcome(text);
  } catch (error) {
    if (error instanceof InvalidOutcomeError) return undefined;
    throw error;
  }
};
