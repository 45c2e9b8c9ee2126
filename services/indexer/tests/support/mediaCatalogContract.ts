import { beforeEach, describe, expect, it } from 'vitest';
import { MEDIA_STATUS } from '../../src/domain/constants.js';
import {
  buildDeletedItem,
  type LiveMediaItem,
  type OutcomeFields,
  productSortKey,
} from '../../src/domain/MediaItem.js';
import type { MediaCatalog } from '../../src/domain/ports.js';
import { normaliseSequencer } from '../../src/domain/sequencer.js';

const active = (productId: string, name: string, lastModified: string, sequencer = '0A') => {
  const key = `uploads/${productId}/${name}`;
  return {
    key,
    bucket: 'uploads',
    productId,
    name,
    sequencer: normaliseSequencer(sequencer),
    thumbnails: [],
    updatedAt: '2026-03-14T12:00:00.000Z',
    status: MEDIA_STATUS.processing,
    size: 1,
    eTag: 'etag',
    metadata: {},
    lastModified,
    productSort: productSortKey(lastModified, key),
  } satisfies LiveMediaItem;
};

/**
 * What every {@link MediaCatalog} must do, run against DynamoDBMediaCatalog (integration, on
 * MediaTable as template.yaml defines it) and FakeCatalog (unit), so the fake the use-case
 * tests rely on behaves like the table. `catalog` is called in each test (after any setup).
 */
export const mediaCatalogContract = (name: string, catalogOf: () => MediaCatalog) =>
  describe(`${name} (MediaCatalog contract)`, () => {
    let catalog: MediaCatalog;
    beforeEach(() => {
      catalog = catalogOf();
    });

    it("lists a product's live media newest first, page by page", async () => {
      // Prepare
      const oldest = active('prod-x', 'a.jpg', '2026-03-01T10:00:00.000Z');
      const newest = active('prod-x', 'b.jpg', '2026-03-03T10:00:00.000Z');
      const middle = active('prod-x', 'c.jpg', '2026-03-02T10:00:00.000Z');
      const gone = active('prod-x', 'd.jpg', '2026-03-04T10:00:00.000Z');
      const otherProduct = active('prod-y', 'e.jpg', '2026-03-05T10:00:00.000Z');
      for (const item of [oldest, newest, middle, gone, otherProduct]) {
        expect(await catalog.putActive(item)).toBe('applied');
      }
      const tombstone = buildDeletedItem(
        { key: gone.key, productId: 'prod-x', name: 'd.jpg' },
        'uploads',
        normaliseSequencer('0B'),
        '2026-03-04T11:00:00Z',
        {},
        new Date(),
      );
      expect(await catalog.markDeleted(tombstone)).toBe('applied');

      // Act
      const first = await catalog.listByProduct('prod-x', { limit: 2 });
      const rest = await catalog.listByProduct('prod-x', { limit: 2, cursor: first.cursor });

      // Assess
      expect([...first.items, ...rest.items].map((item) => item.name)).toEqual([
        'b.jpg',
        'c.jpg',
        'a.jpg',
      ]);
      expect(first.cursor).toBeDefined();
    });

    // DynamoDB returns a LastEvaluatedKey whenever a Query stops at its Limit, also when no
    // item follows: these sizes (exactly `limit`, a multiple of it, one more) catch a cursor on
    // the last page, which would lead to an empty page.
    const seed = async (productId: string, count: number) => {
      const items = Array.from({ length: count }, (_, i) =>
        active(productId, `m${i}.jpg`, `2026-04-${String(i + 1).padStart(2, '0')}T10:00:00.000Z`),
      );
      for (const item of items) expect(await catalog.putActive(item)).toBe('applied');
      return items.map((item) => item.name).reverse();
    };
    const pagesOf = async (productId: string, limit: number) => {
      const pages = [await catalog.listByProduct(productId, { limit })];
      for (let page = pages[0]; page?.cursor !== undefined && pages.length < 10; ) {
        page = await catalog.listByProduct(productId, { limit, cursor: page.cursor });
        pages.push(page);
      }
      return pages.map((page) => ({
        names: page.items.map((item) => item.name),
        cursor: page.cursor,
      }));
    };

    it('answers exactly `limit` items as one page without a cursor', async () => {
      // Prepare
      const names = await seed('prod-page-exact', 3);

      // Act
      const pages = await pagesOf('prod-page-exact', 3);

      // Assess
      expect(pages).toEqual([{ names, cursor: undefined }]);
    });

    it('answers twice `limit` items as two full pages, the second without a cursor', async () => {
      // Prepare
      const names = await seed('prod-page-double', 4);

      // Act
      const pages = await pagesOf('prod-page-double', 2);

      // Assess
      const lastOfFirst = await catalog.get('uploads/prod-page-double/m2.jpg');
      expect(pages).toEqual([
        {
          names: names.slice(0, 2),
          cursor: {
            key: lastOfFirst?.key,
            productId: 'prod-page-double',
            productSort: (lastOfFirst as LiveMediaItem | undefined)?.productSort,
          },
        },
        { names: names.slice(2), cursor: undefined },
      ]);
    });

    it('answers `limit` + 1 items as a full page and a last page of one', async () => {
      // Prepare
      const names = await seed('prod-page-plus-one', 4);

      // Act
      const pages = await pagesOf('prod-page-plus-one', 3);

      // Assess
      expect(pages).toEqual([
        { names: names.slice(0, 3), cursor: expect.any(Object) },
        { names: names.slice(3), cursor: undefined },
      ]);
    });

    it('applies a write only when its sequencer is newer than the stored one', async () => {
      // Prepare
      const item = active('prod-z', 'seq.jpg', '2026-03-01T10:00:00.000Z', '617f0837b476e463');

      // Act
      const results = [
        await catalog.putActive(item),
        await catalog.putActive({ ...item, size: 2 }),
        await catalog.putActive({
          ...item,
          size: 3,
          sequencer: normaliseSequencer('617f08299329d189'),
        }),
        await catalog.putActive({
          ...item,
          size: 4,
          sequencer: normaliseSequencer('617f0837b476e464'),
        }),
      ];

      // Assess
      expect(results).toEqual(['applied', 'stale', 'stale', 'applied']);
      expect(await catalog.get(item.key)).toMatchObject({ size: 4 });
    });

    it('writes a tombstone for a key it has never seen', async () => {
      // Prepare
      const tombstone = buildDeletedItem(
        { key: 'uploads/prod-z/never-seen.jpg', productId: 'prod-z', name: 'never-seen.jpg' },
        'uploads',
        normaliseSequencer('0B'),
        '2026-03-04T11:00:00Z',
        { thumbnailsBucket: 'thumbs' },
        new Date('2026-03-04T11:00:01.000Z'),
      );

      // Act
      const result = await catalog.markDeleted(tombstone);

      // Assess
      expect(result).toBe('applied');
      expect(await catalog.get(tombstone.key)).toEqual(tombstone);
    });

    it('records an outcome only on the item of its upload event, newest outcome first', async () => {
      // Prepare
      const item = active('prod-o', 'o.jpg', '2026-03-01T10:00:00.000Z', '0A');
      await catalog.putActive(item);
      const thumbnails = [{ key: 'prod-o/o.jpg/128.webp', width: 128, height: 96, bytes: 700 }];
      const skipped = {
        status: MEDIA_STATUS.skipped,
        thumbnails: [],
        reason: 'corrupt',
        outcomeSequencer: normaliseSequencer('1A'),
        processedAt: '2026-03-01T10:00:01.000Z',
      } satisfies OutcomeFields;
      const ready = {
        status: MEDIA_STATUS.ready,
        thumbnails,
        outcomeSequencer: normaliseSequencer('1B'),
        processedAt: '2026-03-01T10:00:02.000Z',
      } satisfies OutcomeFields;

      // Act
      const otherUpload = await catalog.applyOutcome(item.key, normaliseSequencer('09'), ready);
      const first = await catalog.applyOutcome(item.key, item.sequencer, skipped);
      const newer = await catalog.applyOutcome(item.key, item.sequencer, ready);
      const older = await catalog.applyOutcome(item.key, item.sequencer, skipped);
      const missing = await catalog.applyOutcome('uploads/prod-o/none.jpg', item.sequencer, ready);

      // Assess
      expect([otherUpload, first, newer, older, missing]).toEqual([
        'stale',
        'applied',
        'applied',
        'stale',
        'stale',
      ]);
      const stored = await catalog.get(item.key);
      expect(stored).toMatchObject({ status: 'ready', thumbnails, eTag: 'etag' });
      expect(stored).not.toHaveProperty('reason');
      expect(await catalog.get('uploads/prod-o/none.jpg')).toBeUndefined();
    });
  });
