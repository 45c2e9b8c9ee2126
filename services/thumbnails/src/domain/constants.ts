import { SKIP_REASONS, type SkipReason } from './skipReasons.js';

/**
 * Business metric names (namespace `Shop`, service `thumbnails`), one table in the README.
 * Skips carry a `reason` dimension (a {@link SkipReason}).
 */
export const METRICS = {
  created: 'ThumbnailsCreated',
  skipped: 'ThumbnailsSkipped',
  deleted: 'ThumbnailsDeleted',
} as const;

/** The dimension of `ThumbnailsSkipped` that names the skip reason. */
export const SKIP_REASON_DIMENSION = 'reason';

/**
 * Skip reasons that are normal operation rather than bad input (a repeated event, a race that
 * the newer event settles): logged at info; every other reason at warn.
 */
export const ROUTINE_SKIP_REASONS: ReadonlySet<SkipReason> = new Set([
  SKIP_REASONS.unchanged,
  SKIP_REASONS.superseded,
  SKIP_REASONS.sourceExists,
  SKIP_REASONS.sourceMissing,
]);
