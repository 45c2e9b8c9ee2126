import { describe, expect, it } from 'vitest';
import { deleteThumbnails } from '../../src/domain/deleteThumbnails.js';
import { SKIP_REASONS } from '../../src/domain/skipReasons.js';
import { FakeSourceStore, FakeThumbnailStore } from '../support/fakes.js';

const BUCKET = 'uploads-bucket';
const settings = { widths: [128, 512, 1024] };

describe('deleteThumbnails', () => {
  it('deletes exactly the thumbnail keys of the removed upload, not its prefix', async () => {
    // Prepare
    const sources = new FakeSourceStore();
    const thumbnails = new FakeThumbnailStore();
    const nested = { key: 'p-1/a.jpg/b.png/128.webp', width: 1, height: 1, body: new Uint8Array() };
    await thumbnails.put(nested, 'etag');

    // Act
    const result = await deleteThumbnails(
      { bucket: BUCKET, key: 'uploads/p-1/a.jpg' },
      { sources, thumbnails },
      settings,
    );

    // Assess
    const expected = ['p-1/a.jpg/1024.webp', 'p-1/a.jpg/512.webp', 'p-1/a.jpg/128.webp'];
    expect(result).toEqual({ status: 'deleted', keys: expected });
    expect(thumbnails.deletes).toEqual([expected]);
    expect(thumbnails.objects.has(nested.key)).toBe(true);
  });

  it('keeps the thumbnails when the key has been uploaded again since the delete', async () => {
    // Prepare
    const sources = new FakeSourceStore();
    const thumbnails = new FakeThumbnailStore();
    sources.put(BUCKET, 'uploads/p-1/a.jpg', new Uint8Array([1]));

    // Act
    const result = await deleteThumbnails(
      { bucket: BUCKET, key: 'uploads/p-1/a.jpg' },
      { sources, thumbnails },
      settings,
    );

    // Assess
    expect(result).toEqual({ status: 'skipped', reason: SKIP_REASONS.sourceExists });
    expect(thumbnails.deletes).toEqual([]);
  });

  it('ignores keys outside the uploads layout', async () => {
    // Prepare
    const sources = new FakeSourceStore();
    const thumbnails = new FakeThumbnailStore();

    // Act
    const result = await deleteThumbnails(
      { bucket: BUCKET, key: 'uploads/only-a-product-id' },
      { sources, thumbnails },
      settings,
    );

    // Assess
    expect(result).toEqual({ status: 'skipped', reason: SKIP_REASONS.notAnUploadKey });
    expect(thumbnails.deletes).toEqual([]);
  });
});
