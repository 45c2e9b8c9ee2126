import * as z from '@shop/common/validation';
import { parseUploadKey } from '@shop/contracts/mediaKeys';
import { MEDIA_TABLE } from '../domain/constants.js';
import { MAX_PRODUCT_SORT_BYTES } from '../domain/MediaItem.js';

// The `cursor` of GET /products/{productId}/media: where the next page starts, the `byProduct`
// position of the previous page's last item (DynamoDB's ExclusiveStartKey: key, productId,
// productSort). The product id is the request's own, and the key is the part of productSort
// after its time (`<ISO time>#<key>`; an ISO time has no `#`), so the cursor carries productSort
// alone: base64url of its UTF-8 bytes. No JSON, so the key is there once and never escaped
// (a quote, backslash or control character in a key would otherwise grow up to 6-fold), and
// the longest cursor follows from the longest key: MAX_CURSOR_LENGTH.

/**
 * The longest cursor the API issues: unpadded base64url of the longest productSort
 * (1024 bytes -> 1366 characters). Longer `cursor` parameters are refused unread.
 */
export const MAX_CURSOR_LENGTH = Math.ceil((MAX_PRODUCT_SORT_BYTES * 4) / 3);

/** The time part of productSort exactly as the indexer writes it (`Date#toISOString`). */
const sortTime = z.iso.datetime({ precision: 3 });

/**
 * The version before this one issued base64url JSON of the whole position; such a cursor held by
 * a client during a deployment still pages on. It can go once no client can hold one.
 */
const legacyCursorSchema = z.object({
  key: z.string(),
  productId: z.string(),
  productSort: z.string(),
});

/**
 * The cursor of a page that ends at `after` (a position `listProductMedia` returned).
 *
 * @example
 * encodeCursor({ key, productId, productSort: '2026-01-02T03:04:05.000Z#uploads/p1/a.jpg' });
 * // 'MjAyNi0wMS0wMlQwMzowNDowNS4wMDBaI3VwbG9hZHMvcDEvYS5qcGc'
 */
export const encodeCursor = (after: Record<string, unknown>): string => {
  const productSort = after[MEDIA_TABLE.productSortAttribute];
  if (typeof productSort !== 'string') throw new Error('a page position without productSort');
  return Buffer.from(productSort, 'utf8').toString('base64url');
};

/** productSort from a cursor's text, a legacy JSON cursor's included (undefined if neither). */
const productSortIn = (text: string, productId: string): string | undefined => {
  if (!text.startsWith('{')) return text;
  try {
    const legacy = z.safeParse(legacyCursorSchema, JSON.parse(text));
    if (!legacy.success || legacy.data.productId !== productId) return undefined;
    const { key, productSort } = legacy.data;
    return productSort.slice(productSort.indexOf('#') + 1) === key ? productSort : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The position a cursor names, if it is a position this API could have written for this
 * product: a canonical base64url string of a productSort whose time is the indexer's format and
 * whose key is an upload key of the product. Anything else, an edited cursor included, would
 * reach DynamoDB as an invalid ExclusiveStartKey (a 500): the caller answers 400.
 *
 * @example
 * decodeCursor(page.nextCursor, 'prod-1'); // { key, productId: 'prod-1', productSort }
 */
export const decodeCursor = (
  cursor: string,
  productId: string,
): Record<string, string> | undefined => {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  // Not what encodeCursor writes: other characters, stray bits, or bytes that are not UTF-8.
  if (Buffer.from(text, 'utf8').toString('base64url') !== cursor) return undefined;
  const productSort = productSortIn(text, productId);
  if (productSort === undefined) return undefined;
  const hash = productSort.indexOf('#');
  const at = productSort.slice(0, hash);
  const key = productSort.slice(hash + 1);
  if (hash < 0 || !z.safeParse(sortTime, at).success) return undefined;
  if (parseUploadKey(key)?.productId !== productId) return undefined;
  return {
    [MEDIA_TABLE.partitionKey]: key,
    [MEDIA_TABLE.productIdAttribute]: productId,
    [MEDIA_TABLE.productSortAttribute]: productSort,
  };
};
