import type { CHANGE_KINDS, IGNORE_REASONS } from './constants.js';
import type { LiveStatus } from './MediaItem.js';

export type ChangeKind = keyof typeof CHANGE_KINDS;

/** What every S3 event IndexQueue carries tells about its object, validated and normalised. */
interface S3Change {
  /** The EventBridge event id (for logs). */
  eventId: string;
  bucket: string;
  /** The real object key (URL-decoding already applied where needed). */
  key: string;
  /** Normalised: upper-case, right-padded to a fixed width (see sequencer.ts). */
  sequencer: string;
  /** Object Created only: the ETag of the version the event is about, without quotes. */
  eTag?: string;
  /** ISO 8601 time of the event. */
  eventTime: string;
}

/** One S3 object event of the uploads bucket. */
export interface ObjectChange extends S3Change {
  kind: ChangeKind;
}

/**
 * The thumbnailer's outcome event: `Object Created` of `<productId>/<name>/outcome.json` in the
 * thumbnails bucket. `sequencer` and `eTag` are those of the outcome object's write.
 */
export interface OutcomeChange extends S3Change {
  kind: 'outcome';
}

/** Anything IndexQueue carries. */
export type IndexChange = ObjectChange | OutcomeChange;

export type IgnoreReason = (typeof IGNORE_REASONS)[keyof typeof IGNORE_REASONS];

/** What processing one event did. */
export type IndexOutcome =
  | { result: 'indexed'; key: string; productId: string }
  | { result: 'deleted'; key: string; productId: string }
  | { result: 'processed'; key: string; productId: string; status: LiveStatus }
  | { result: 'ignored'; key: string; reason: IgnoreReason };
