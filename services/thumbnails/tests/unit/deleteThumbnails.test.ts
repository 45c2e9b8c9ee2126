import { describe, expect, it } from 'vitest';
import { createThumbnails } from '../../src/domain/createThumbnails.js';
import { deleteThumbnails } from '../../src/domain/deleteThumbnails.js';
import { ImageRejectedError } from '../../src/domain/errors.js';
import { SKIP_REASONS } from '../../src/domain/skipReasons.js';
import { FakeRenderer, FakeSourceStore, FakeThumbnailStore } from '../support/fakes.js';

const BUCKET = 'uploads-bucket';
const settings = { widths: [128, 512, 1024] };
const KEY = 'uploads/p-1/a.jpg';

const setup = () => ({ sources: new FakeSourceStore(), thumbnails: new FakeThumbnailStore() });

describe('deleteThumbnails', () => {
  it('deletes exactly the thumbnails that exist and the outcome, not the prefix', async () => {
    // Prepare
    const { sources, thumbnails } = setup();
    sources.put(BUCKET, KEY, new Uint8Array([1]));
    const deps = { sources, thumbnails, renderer: new FakeRenderer(), ...settings };
    await createThumbnails({ bucket: BUCKET, key: KEY }, { ...deps, maxSourceBytes: 9 });
    sources.objects.clear();
    const nested = { key: 'p-1/a.jpg/b.png/128.webp', width: 1, height: 1, body: new Uint8Array() };
    await thumbnails.put(nested, 'etag');

    // Act
    const result = await deleteThumbnails({ bucket: BUCKET, key: KEY }, deps);

    // Assess
    const expected = ['p-1/a.jpg/1024.webp', 'p-1/a.jpg/512.webp', 'p-1/a.jpg/128.webp'];
    expect(result).toEqual({ status: 'deleted', keys: expected });
    expect(thumbnails.deletes).toEqual([[...expected, 'p-1/a.jpg/outcome.json']]);
    expect(thumbnails.outcomes.size).toBe(0);
    expect([...thumbnails.objects.keys()]).toEqual([nested.key]);
  });

  it('reports no thumbnails for an upload that was skipped', async () => {
    // Prepare
    const { sources, thumbnails } = setup();
    sources.put(BUCKET, KEY, new Uint8Array([1]));
    const renderer = new FakeRenderer();
    renderer.failWith = new ImageRejectedError(SKIP_REASONS.notAnImage, 'text');
    const deps = { sources, thumbnails, renderer, ...settings };
    await createThumbnails({ bucket: BUCKET, key: KEY }, { ...deps, maxSourceBytes: 9 });
    sources.objects.clear();

    // Act
    const result = await deleteThumbnails({ bucket: BUCKET, key: KEY }, deps);

    // Assess
    expect(result).toEqual({ status: 'deleted', keys: [] });
    expect(thumbnails.deletes.at(-1)).toEqual(['p-1/a.jpg/outcome.json']);
    expect(thumbnails.outcomes.size).toBe(0);
  });

  it('keeps the thumbnails when the key has been uploaded again since the delete', async () => {
    // Prepare
    const { sources, thumbnails } = setup();
    sources.put(BUCKET, KEY, new Uint8Array([1]));

    // Act
    const result = await deleteThumbnails(
      { bucket: BUCKET, key: KEY },
      { sources, thumbnails, ...settings },
    );

    // Assess
    expect(result).toEqual({ status: 'skipped', reason: SKIP_REASONS.sourceExists });
    expect(thumbnails.deletes).toEqual([]);
  });

  it('ignores keys outside the uploads layout', async () => {
    // Prepare
    const { sources, thumbnails } = setup();

    // Act
    const result = await deleteThumbnails(
      { bucket: BUCKET, key: 'uploads/only-a-product-id' },
      { sources, thumbnails, ...settings },
    );

    // Assess
    expect(result).toEqual({ status: 'skipped', reason: SKIP_REASONS.notAnUploadKey });
    expect(thumbnails.deletes).toEqual([]);
  });
});
