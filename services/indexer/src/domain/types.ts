import type { LiveStatus } from './MediaItem.js';

/** The two S3 event types the indexer consumes (EventBridge `detail-type`s). */
export const CHANGE_KINDS = { created: 'Object Created', deleted: 'Object Deleted' } as const;
export type ChangeKind = keyof typeof CHANGE_KINDS;

/** One S3 object event of the uploads bucket, validated and normalised. */
export interface ObjectChange {
  kind: ChangeKind;
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

/**
 * The thumbnailer's outcome event: `Object Created` of `<productId>/<name>/outcome.json` in the
 * thumbnails bucket. `sequencer` and `eTag` are those of the outcome object's write.
 */
export interface OutcomeChange {
  kind: 'outcome';
  eventId: string;
  bucket: string;
  key: string;
  sequencer: string;
  eTag?: string;
  eventTime: string;
}

/** Anything IndexQueue carries. */
export type IndexChange = ObjectChange | OutcomeChange;

/** Why an event changed nothing. */
export const IGNORE_REASONS = {
  /** Outside `uploads/<productId>/<name>`: not product media. */
  notProductMedia: 'not-product-media',
  /** The catalog already holds this event (duplicate) or a newer one (out of order). */
  staleOrDuplicate: 'stale-or-duplicate',
  /** Created, then deleted before we looked: its own Object Deleted event records that. */
  objectVanished: 'object-vanished',
  /** Created, then overwritten before we looked: the newer Object Created indexes it. */
  superseded: 'superseded',
} as const;
export type IgnoreReason = (typeof IGNORE_REASONS)[keyof typeof IGNORE_REASONS];

/** What processing one event did. */
export type IndexOutcome =
  | { result: 'indexed'; key: string; productId: string }
  | { result: 'deleted'; key: string; productId: string }
  | { result: 'processed'; key: string; productId: string; status: LiveStatus }
  | { result: 'ignored'; key: string; reason: IgnoreReason };
