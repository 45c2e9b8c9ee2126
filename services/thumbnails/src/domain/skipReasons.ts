// Why a record produced no thumbnails. Each is final for that object version: the record is
// logged once with its reason and counted, never thrown, so S3's asynchronous invocation does
// not retry it (a retry would fail the same way) and the other records still run.

/** Every reason a record is skipped, `as const` rather than an enum. */
export const SKIP_REASONS = {
  /** The key is not `uploads/<productId>/<name>`. */
  notAnUploadKey: 'not-an-upload-key',
  /** The object was gone by the time we looked (its delete event cleans up). */
  sourceMissing: 'source-missing',
  /** Zero bytes. */
  empty: 'empty',
  /** Over MAX_SOURCE_BYTES, found by HEAD before downloading. */
  tooManyBytes: 'too-many-bytes',
  /**
   * S3 will not give this function the bytes: archived (GLACIER, DEEP_ARCHIVE, an
   * Intelligent-Tiering archive tier; not restored), encrypted with a customer-provided key
   * (SSE-C), or with a KMS key that does not let it decrypt (see readability.ts).
   */
  sourceUnreadable: 'source-unreadable',
  /** The content is no image format we accept (judged by magic bytes, not the name). */
  notAnImage: 'not-an-image',
  /** A recognised image format we do not decode (HEIC, SVG, PDF, BMP, PSD, JPEG XL). */
  unsupportedFormat: 'unsupported-format',
  /** Looks like an image but cannot be decoded (truncated, damaged, lying header). */
  corrupt: 'corrupt',
  /** Width x height over MAX_SOURCE_PIXELS: a decompression bomb or an absurd scan. */
  tooManyPixels: 'too-many-pixels',
  /** Thumbnails already exist for this exact source ETag (a repeated event). */
  unchanged: 'unchanged',
  /**
   * The object is not (or no longer) the version the event is about: replaced before the HEAD,
   * or between HEAD and GET; the newer version's own event handles it.
   */
  superseded: 'superseded',
  /** A delete event for a key that exists again (re-uploaded): its thumbnails are current. */
  sourceExists: 'source-exists',
} as const;

export type SkipReason = (typeof SKIP_REASONS)[keyof typeof SKIP_REASONS];
