/** The two S3 event types the indexer consumes (EventBridge `detail-type`s). */
export const CHANGE_KINDS = { created: 'Object Created', deleted: 'Object Deleted' } as const;
export type ChangeKind = keyof typeof CHANGE_KINDS;

/** One S3 object event, validated and normalised. */
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
  | { result: 'ignored'; key: string; reason: IgnoreReason };
