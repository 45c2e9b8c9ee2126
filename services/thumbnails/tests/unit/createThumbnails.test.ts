import { describe, expect, it } from 'vitest';
import { createThumbnails } from '../../src/domain/createThumbnails.js';
import { ImageRejectedError } from '../../src/domain/errors.js';
import { SKIP_REASONS } from '../../src/domain/skipReasons.js';
import { FakeRenderer, FakeSourceStore, FakeThumbnailStore } from '../support/fakes.js';

const BUCKET = 'uploads-bucket';
const KEY = 'uploads/p-1/front view.jpg';
const settings = { widths: [128, 1024, 512], maxSourceBytes: 1000 };

const setup = (body: Uint8Array = new Uint8Array([1, 2, 3])) => {
  const sources = new FakeSourceStore();
  const thumbnails = new FakeThumbnailStore();
  const renderer = new FakeRenderer();
  const etag = sources.put(BUCKET, KEY, body);
  return { sources, thumbnails, renderer, etag, deps: { sources, thumbnails, renderer } };
};

describe('createThumbnails', () => {
  it('writes one thumbnail per width under the shared key mapping, the largest last', async () => {
    // Prepare
    const { deps, thumbnails, renderer, etag } = setup();

    // Act
    const result = await createThumbnails({ bucket: BUCKET, key: KEY }, deps, settings);

    // Assess
    expect(result).toMatchObject({ status: 'created', etag, sourceBytes: 3 });
    expect(renderer.calls).toEqual([[1024, 512, 128]]);
    expect(thumbnails.writes).toEqual([
      'p-1/front view.jpg/128.webp',
      'p-1/front view.jpg/512.webp',
      'p-1/front view.jpg/1024.webp',
    ]);
    expect(thumbnails.objects.get('p-1/front view.jpg/1024.webp')?.sourceEtag).toBe(etag);
  });

  it('does nothing when the largest thumbnail already records the same source ETag', async () => {
    // Prepare
    const { deps, sources, thumbnails, renderer } = setup();
    await createThumbnails({ bucket: BUCKET, key: KEY }, deps, settings);
    thumbnails.writes.length = 0;

    // Act
    const result = await createThumbnails({ bucket: BUCKET, key: KEY }, deps, settings);

    // Assess
    expect(result).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.unchanged });
    expect(sources.reads).toHaveLength(1);
    expect(renderer.calls).toHaveLength(1);
    expect(thumbnails.writes).toEqual([]);
  });

  it('regenerates the thumbnails of an overwritten object', async () => {
    // Prepare
    const { deps, sources, thumbnails } = setup();
    await createThumbnails({ bucket: BUCKET, key: KEY }, deps, settings);
    const newEtag = sources.put(BUCKET, KEY, new Uint8Array([9, 9, 9, 9]));

    // Act
    const result = await createThumbnails({ bucket: BUCKET, key: KEY }, deps, settings);

    // Assess
    expect(result).toMatchObject({ status: 'created', etag: newEtag });
    expect(thumbnails.writes).toHaveLength(6);
    expect(thumbnails.objects.get('p-1/front view.jpg/1024.webp')?.sourceEtag).toBe(newEtag);
  });

  it('skips an object over the byte limit without downloading it', async () => {
    // Prepare
    const { deps, sources } = setup(new Uint8Array(1001));

    // Act
    const result = await createThumbnails({ bucket: BUCKET, key: KEY }, deps, settings);

    // Assess
    expect(result).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.tooManyBytes });
    expect(sources.reads).toEqual([]);
  });

  it('skips a zero-byte object without downloading it', async () => {
    // Prepare
    const { deps, sources } = setup(new Uint8Array(0));

    // Act
    const result = await createThumbnails({ bucket: BUCKET, key: KEY }, deps, settings);

    // Assess
    expect(result).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.empty });
    expect(sources.reads).toEqual([]);
  });

  it('skips keys outside uploads/<productId>/<name> without touching S3', async () => {
    // Prepare
    const { deps, sources, thumbnails } = setup();

    // Act
    const result = await createThumbnails({ bucket: BUCKET, key: 'other/x.jpg' }, deps, settings);

    // Assess
    expect(result).toEqual({ status: 'skipped', reason: SKIP_REASONS.notAnUploadKey });
    expect(sources.reads).toEqual([]);
    expect(thumbnails.writes).toEqual([]);
  });

  it('skips an object deleted before it was processed', async () => {
    // Prepare
    const { deps, sources } = setup();
    sources.objects.clear();

    // Act
    const result = await createThumbnails({ bucket: BUCKET, key: KEY }, deps, settings);

    // Assess
    expect(result).toEqual({ status: 'skipped', reason: SKIP_REASONS.sourceMissing });
  });

  it('skips as superseded when the object changes between HEAD and GET', async () => {
    // Prepare
    const { deps, sources, thumbnails } = setup();
    sources.changeBeforeRead = true;

    // Act
    const result = await createThumbnails({ bucket: BUCKET, key: KEY }, deps, settings);

    // Assess
    expect(result).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.superseded });
    expect(thumbnails.writes).toEqual([]);
  });

  it('turns a rejected image into a skip carrying the reason and detail', async () => {
    // Prepare
    const { deps, renderer, thumbnails, etag } = setup();
    renderer.failWith = new ImageRejectedError(SKIP_REASONS.tooManyPixels, '50000x50000');

    // Act
    const result = await createThumbnails({ bucket: BUCKET, key: KEY }, deps, settings);

    // Assess
    expect(result).toEqual({
      status: 'skipped',
      reason: SKIP_REASONS.tooManyPixels,
      detail: '50000x50000',
      etag,
      sourceBytes: 3,
    });
    expect(thumbnails.writes).toEqual([]);
  });

  it('lets infrastructure errors through, so the invocation is retried', async () => {
    // Prepare
    const { deps, renderer } = setup();
    renderer.failWith = new Error('out of file descriptors');

    // Act
    const attempt = createThumbnails({ bucket: BUCKET, key: KEY }, deps, settings);

    // Assess
    await expect(attempt).rejects.toThrow('out of file descriptors');
  });
});
