// The indexer's named values, `as const` rather than enums: metric names, the S3 event types
// it consumes, why an event can change nothing, catalog statuses and MediaTable's names.

/** Service name in logs and metrics, and the metrics namespace. */
export const SERVICE = { name: 'indexer', metricsNamespace: 'Shop' } as const;

/**
 * Business metrics (embedded metric format, namespace Shop, service indexer), one per result
 * of an event; documented in the README's metrics table.
 */
export const METRICS = {
  indexed: 'ObjectsIndexed',
  deleted: 'ObjectsDeleted',
  processed: 'OutcomesRecorded',
  ignored: 'EventsIgnored',
} as const;

/** The two S3 event types the indexer consumes (EventBridge `detail-type`s). */
export const CHANGE_KINDS = { created: 'Object Created', deleted: 'Object Deleted' } as const;

/** The suffix of the thumbnailer's outcome objects (ThumbnailOutcomesRule matches it too). */
export const OUTCOME_SUFFIX = '/outcome.json';

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

/**
 * Lifecycle of a catalog entry. An upload is `processing` until the thumbnailer's outcome for
 * that exact upload arrives: `ready` (thumbnails listed), `skipped` (not a usable image;
 * `reason` says why) or `failed` (the thumbnailer failed and Lambda retries it; a later outcome
 * replaces this). `deleted` is the tombstone.
 */
export const MEDIA_STATUS = {
  processing: 'processing',
  ready: 'ready',
  skipped: 'skipped',
  failed: 'failed',
  deleted: 'deleted',
} as const;

/**
 * Attribute and index names of MediaTable, whose definition (keys, `byProduct` index) lives in
 * template.yaml only; tests create the table from there.
 */
export const MEDIA_TABLE = {
  /** Partition key: the object key in UploadsBucket. */
  partitionKey: 'key',
  /** Lists a product's live media, newest first (sparse: tombstones are not in it). */
  byProductIndex: 'byProduct',
  productIdAttribute: 'productId',
  productSortAttribute: 'productSort',
} as const;

/** Page size bounds of GET /products/{productId}/media (`limit`). */
export const MEDIA_PAGE = { defaultLimit: 20, maxLimit: 100 } as const;
