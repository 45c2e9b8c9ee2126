import type { LiveMediaItem } from './MediaItem.js';
import type { MediaCatalog } from './ports.js';

/** A request for one page of a product's media. */
export interface ListProductMediaInput {
  productId: string;
  limit: number;
  /** Where the previous page stopped (the index key of its last item). */
  after?: Record<string, unknown>;
}

/** One page, newest upload first. */
export interface ProductMediaPage {
  items: LiveMediaItem[];
  /** Where the next page starts; absent on the last page. */
  after?: Record<string, unknown>;
}

/**
 * A product's live media (every upload that is not deleted, whatever its thumbnail status),
 * newest first, one page at a time.
 *
 * @example
 * const page = await listProductMedia({ productId: 'prod-1042', limit: 20 }, { catalog });
 * page.items[0]?.status; // 'ready'
 */
export const listProductMedia = async (
  input: ListProductMediaInput,
  deps: { catalog: Pick<MediaCatalog, 'listByProduct'> },
): Promise<ProductMediaPage> => {
  const page = await deps.catalog.listByProduct(input.productId, {
    limit: input.limit,
    ...(input.after === undefined ? {} : { cursor: input.after }),
  });
  return { items: page.items, ...(page.cursor === undefined ? {} : { after: page.cursor }) };
};
