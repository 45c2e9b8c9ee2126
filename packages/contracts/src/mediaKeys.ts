// How product media is keyed in S3. The thumbnailer writes thumbnails under these keys and
// the indexer records them in the catalog; both call these functions, so they cannot drift.
//
//   uploads/<productId>/<name>   (UploadsBucket)
//   <productId>/<name>/<width>.webp   (ThumbnailsBucket)

/** Prefix of merchant uploads in UploadsBucket; the S3 notification filter uses it too. */
export const UPLOADS_PREFIX = 'uploads/';

/** Default thumbnail widths in pixels. */
export const DEFAULT_THUMBNAIL_WIDTHS = [128, 512, 1024] as const;

const PRODUCT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** An upload key, split into its parts. */
export interface UploadKey {
  key: string;
  productId: string;
  /** The file name, which may itself contain `/` (sub-folders are kept). */
  name: string;
}

/**
 * Decode an object key as S3 puts it in event notifications: URL-encoded, with `+` for a space
 * (so a literal plus arrives as `%2B`).
 *
 * @example
 * decodeS3EventKey('uploads/p1/summer+sale+%2B1+%C3%A9.jpg'); // 'uploads/p1/summer sale +1 é.jpg'
 */
export const decodeS3EventKey = (encoded: string): string =>
  decodeURIComponent(encoded.replace(/\+/g, ' '));

/**
 * Encode a key the way S3 event notifications carry it (the inverse of
 * {@link decodeS3EventKey}); used by local-cloud and test fixtures.
 *
 * @example
 * encodeS3EventKey('uploads/p1/a b+c.jpg'); // 'uploads/p1/a+b%2Bc.jpg'
 */
export const encodeS3EventKey = (key: string): string =>
  key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
    .join('/');

/** S3's longest object key, in UTF-8 bytes. */
const S3_MAX_KEY_BYTES = 1024;
/** DynamoDB's longest sort key (of a table or of an index), in UTF-8 bytes. */
const DYNAMODB_MAX_SORT_KEY_BYTES = 1024;
/**
 * What the media catalog's `byProduct` sort key holds before the upload key: `lastModified` as
 * `Date#toISOString` writes it (24 bytes for years 0000-9999) and `#`.
 */
export const PRODUCT_SORT_PREFIX_BYTES = '2026-01-02T03:04:05.000Z#'.length;

/**
 * The longest upload key (UTF-8 bytes) that is product media: every key the services derive
 * from it must fit where it is stored, or every write for it would fail.
 * - ThumbnailsBucket: the outcome's key `<productId>/<name>/outcome.json` is the longest
 *   (5 bytes longer than the upload key; `<width>.webp` is at most `4096.webp`, 1 byte shorter):
 *   at most S3's 1024 -> 1019.
 * - MediaTable (indexer): the `byProduct` index's sort key is `<lastModified>#<key>`, the time
 *   as `Date#toISOString` writes it (`2026-01-02T03:04:05.000Z`, 24 bytes): at most DynamoDB's
 *   1024 for a sort key -> 999. The key itself is the table's partition key (2048).
 */
export const MAX_UPLOAD_KEY_BYTES = Math.min(
  S3_MAX_KEY_BYTES - ('/outcome.json'.length - UPLOADS_PREFIX.length),
  DYNAMODB_MAX_SORT_KEY_BYTES - PRODUCT_SORT_PREFIX_BYTES,
);

/**
 * The longest upload key whose ThumbnailsBucket keys fit S3 (1019 bytes), the limit before the
 * media catalog's bound made {@link MAX_UPLOAD_KEY_BYTES} 999: thumbnails of keys up to it may
 * exist. The thumbnailer's deletes parse keys up to it, so they are removed with their upload.
 */
export const MAX_THUMBNAILED_KEY_BYTES =
  S3_MAX_KEY_BYTES - ('/outcome.json'.length - UPLOADS_PREFIX.length);

/**
 * Parse `uploads/<productId>/<name>`; `undefined` for keys outside that layout, or longer than
 * `maxBytes` ({@link MAX_UPLOAD_KEY_BYTES}: longer keys are not product media and are skipped,
 * not retried).
 *
 * @example
 * parseUploadKey('uploads/p-1/front view.jpg'); // { key, productId: 'p-1', name: 'front view.jpg' }
 */
export const parseUploadKey = (
  key: string,
  maxBytes: number = MAX_UPLOAD_KEY_BYTES,
): UploadKey | undefined => {
  if (!key.startsWith(UPLOADS_PREFIX)) return undefined;
  if (Buffer.byteLength(key, 'utf8') > maxBytes) return undefined;
  const rest = key.slice(UPLOADS_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const productId = rest.slice(0, slash);
  const name = rest.slice(slash + 1);
  if (!PRODUCT_ID.test(productId) || name === '' || name.endsWith('/')) return undefined;
  return { key, productId, name };
};

/**
 * The ThumbnailsBucket key of one thumbnail of an upload.
 *
 * @example
 * thumbnailKey(parseUploadKey('uploads/p-1/a.jpg')!, 128); // 'p-1/a.jpg/128.webp'
 */
export const thumbnailKey = (upload: UploadKey, width: number): string =>
  `${upload.productId}/${upload.name}/${width}.webp`;

/**
 * Every thumbnail key of an upload, in the order of `widths`. Deletes remove exactly these
 * keys, not a prefix: `a.jpg/` is also the prefix of the thumbnails of `a.jpg/b.png`.
 *
 * @example
 * thumbnailKeys(upload, [128, 512]); // ['p-1/a.jpg/128.webp', 'p-1/a.jpg/512.webp']
 */
export const thumbnailKeys = (
  upload: UploadKey,
  widths: readonly number[] = DEFAULT_THUMBNAIL_WIDTHS,
): string[] => widths.map((width) => thumbnailKey(upload, width));
