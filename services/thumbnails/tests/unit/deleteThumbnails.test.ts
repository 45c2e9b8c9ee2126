import { describe, expect, it } from 'vitest';
import { createThumbnails } from '../../src/domain/createThumbnails.js';
import { deleteThumbnails } from '../../src/domain/deleteThumbnails.js';
import { ImageRejectedError } from '../../src/domain/errors.js';
import { SKIP_REASONS } from '../../src/domain/skipReasons.js';
import { FakeRenderer, FakeSourceStore, FakeThumbnailStore } from '../support/fakes.js';

const BUCKET = 'uploads-bucket';
const KEY = 'uploads/p-1/a.jpg';
const OUTCOME = 'p-1/a.jpg/outcome.json';
const THUMBNAILS = ['p-1/a.jpg/1024.webp', 'p-1/a.jpg/512.webp', 'p-1/a.jpg/128.webp'];
// Sequencers of one key's events, in the order S3 gave them.
const UPLOAD_1 = '0055AED6DCD90281E5';
const DELETE_1 = '0055AED6DCD90281E6';
const UPLOAD_2 = '0055AED6DCD90281E7';

const setup = () => {
  const sources = new FakeSourceStore();
  const thumbnails = new FakeThumbnailStore();
  const renderer = new FakeRenderer();
  const deps = { sources, thumbnails, renderer, widths: [128, 512, 1024], maxSourceBytes: 9 };
  return { sources, thumbnails, renderer, deps };
};

/**
 * The delete of UPLOAD_1 finds the key gone and stops just before its DeleteObjects; the key is
 * uploaded again (`bytes`) and that run goes on until it is about to write its outcome; then
 * the delete runs to its end, and the re-upload's run finishes.
 */
const deleteRacingReupload = async (
  { sources, thumbnails, deps }: ReturnType<typeof setup>,
  bytes: Uint8Array,
) => {
  sources.put(BUCKET, KEY, new Uint8Array([1]));
  await createThumbnails({ bucket: BUCKET, key: KEY, sequencer: UPLOAD_1 }, deps);
  sources.objects.clear();
  let atDeletes: () => void = () => undefined;
  const deleteAtDeletes = new Promise<void>((resolve) => {
    atDeletes = resolve;
  });
  let release: () => void = () => undefined;
  const deleteMayGo = new Promise<void>((resolve) => {
    release = resolve;
  });
  let deleting: Promise<unknown> | undefined;
  thumbnails.before = async (call) => {
    if (call === `delete ${THUMBNAILS.join(',')}` && deleting === undefined) {
      atDeletes();
      await deleteMayGo;
    } else if (call === `outcome ${OUTCOME}` && deleting !== undefined) {
      const run = deleting;
      deleting = Promise.resolve();
      release();
      await run;
    }
  };
  const run = deleteThumbnails({ bucket: BUCKET, key: KEY, sequencer: DELETE_1 }, deps);
  await deleteAtDeletes;
  deleting = run;
  sources.put(BUCKET, KEY, bytes);
  const created = await createThumbnails({ bucket: BUCKET, key: KEY, sequencer: UPLOAD_2 }, deps);
  return { created, deleted: await run };
};

describe('deleteThumbnails', () => {
  it('deletes exactly the thumbnails that exist and the outcome, not the prefix', async () => {
    // Prepare
    const { sources, thumbnails, deps } = setup();
    sources.put(BUCKET, KEY, new Uint8Array([1]));
    await createThumbnails({ bucket: BUCKET, key: KEY, sequencer: UPLOAD_1 }, deps);
    sources.objects.clear();
    const nested = { key: 'p-1/a.jpg/b.png/128.webp', width: 1, height: 1, body: new Uint8Array() };
    await thumbnails.put(nested, 'etag');

    // Act
    const result = await deleteThumbnails({ bucket: BUCKET, key: KEY, sequencer: DELETE_1 }, deps);

    // Assess
    expect(result).toEqual({ status: 'deleted', keys: THUMBNAILS });
    expect(thumbnails.deletes).toEqual([THUMBNAILS]);
    expect(thumbnails.calls.at(-1)).toBe(`delete-outcome ${OUTCOME}`);
    expect(thumbnails.outcomes.size).toBe(0);
    expect([...thumbnails.objects.keys()]).toEqual([nested.key]);
  });

  it('reports no thumbnails for an upload that was skipped', async () => {
    // Prepare
    const { sources, thumbnails, renderer, deps } = setup();
    sources.put(BUCKET, KEY, new Uint8Array([1]));
    renderer.failWith = new ImageRejectedError(SKIP_REASONS.notAnImage, 'text');
    await createThumbnails({ bucket: BUCKET, key: KEY }, deps);
    sources.objects.clear();

    // Act
    const result = await deleteThumbnails({ bucket: BUCKET, key: KEY }, deps);

    // Assess
    expect(result).toEqual({ status: 'deleted', keys: [] });
    expect(thumbnails.outcomes.size).toBe(0);
  });

  it('keeps the thumbnails when the key has been uploaded again since the delete', async () => {
    // Prepare
    const { sources, thumbnails, deps } = setup();
    sources.put(BUCKET, KEY, new Uint8Array([1]));

    // Act
    const result = await deleteThumbnails({ bucket: BUCKET, key: KEY }, deps);

    // Assess
    expect(result).toEqual({ status: 'skipped', reason: SKIP_REASONS.sourceExists });
    expect(thumbnails.deletes).toEqual([]);
  });

  it('leaves the files of an upload made after the delete, even once that one is gone too', async () => {
    // Prepare: delete, upload again, delete again; the first delete's event comes last.
    const { sources, thumbnails, deps } = setup();
    sources.put(BUCKET, KEY, new Uint8Array([2]));
    await createThumbnails({ bucket: BUCKET, key: KEY, sequencer: UPLOAD_2 }, deps);
    sources.objects.clear();

    // Act
    const result = await deleteThumbnails({ bucket: BUCKET, key: KEY, sequencer: DELETE_1 }, deps);

    // Assess: the second delete's own event removes them.
    expect(result).toEqual({ status: 'skipped', reason: SKIP_REASONS.superseded });
    expect(thumbnails.deletes).toEqual([]);
    expect(thumbnails.outcomes.get(OUTCOME)?.source.sequencer).toBe(UPLOAD_2);
  });

  it("keeps a re-upload's outcome written while the delete ran, and puts back its thumbnails", async () => {
    // Prepare: the key is uploaded again (same bytes) while the delete runs: the new upload's
    // run finishes just before the delete's DeleteObjects, which removes its thumbnails.
    const { sources, thumbnails, renderer, deps } = setup();
    sources.put(BUCKET, KEY, new Uint8Array([1]));
    await createThumbnails({ bucket: BUCKET, key: KEY, sequencer: UPLOAD_1 }, deps);
    sources.objects.clear();
    let raced = false;
    thumbnails.before = async (call) => {
      if (raced || !call.startsWith('delete p-1/a.jpg/')) return;
      raced = true;
      sources.put(BUCKET, KEY, new Uint8Array([1]));
      await createThumbnails({ bucket: BUCKET, key: KEY, sequencer: UPLOAD_2 }, deps);
    };

    // Act
    const result = await deleteThumbnails({ bucket: BUCKET, key: KEY, sequencer: DELETE_1 }, deps);

    // Assess: what is stored is the re-upload, and everything its outcome lists exists.
    expect(raced).toBe(true);
    expect(result.status).toBe('deleted');
    const outcome = thumbnails.outcomes.get(OUTCOME);
    expect(outcome?.source.sequencer).toBe(UPLOAD_2);
    expect(outcome?.thumbnails.map((thumbnail) => thumbnail.key)).toEqual(THUMBNAILS);
    expect([...thumbnails.objects.keys()].sort()).toEqual([...THUMBNAILS].sort());
    expect(renderer.calls).toHaveLength(2); // the first upload, then the repair
  });

  it("lets a re-upload's run put back the thumbnails the delete removed before its outcome", async () => {
    // Prepare: the delete found the key gone and is slow; meanwhile the key is uploaded again
    // and its run puts its thumbnails; the delete's DeleteObjects then removes them and the
    // delete ends before that run writes its outcome.
    const context = setup();
    const { thumbnails } = context;

    // Act
    const { created, deleted } = await deleteRacingReupload(context, new Uint8Array([3]));

    // Assess: the delete took the re-upload's thumbnails; its run put them back.
    expect(deleted).toEqual({ status: 'deleted', keys: THUMBNAILS });
    expect(created.status).toBe('created');
    expect(thumbnails.outcomes.get(OUTCOME)?.source.sequencer).toBe(UPLOAD_2);
    expect([...thumbnails.objects.keys()].sort()).toEqual([...THUMBNAILS].sort());
    expect(thumbnails.writes.filter((key) => key === THUMBNAILS[0])).toHaveLength(3);
  });

  it('lets a re-upload of the same bytes render again when the delete removed its thumbnails', async () => {
    // Prepare: the re-upload's run finds the old outcome of these bytes and all its thumbnails
    // (nothing to render); the delete removes them before that run rewrites the outcome.
    const context = setup();
    const { thumbnails, renderer } = context;

    // Act
    const { created } = await deleteRacingReupload(context, new Uint8Array([1]));

    // Assess: rendered again, and everything the outcome lists exists.
    expect(created.status).toBe('created');
    expect(renderer.calls).toHaveLength(2);
    const outcome = thumbnails.outcomes.get(OUTCOME);
    expect(outcome?.source.sequencer).toBe(UPLOAD_2);
    expect(outcome?.thumbnails.map((thumbnail) => thumbnail.key)).toEqual(THUMBNAILS);
    expect([...thumbnails.objects.keys()].sort()).toEqual([...THUMBNAILS].sort());
  });

  it('does not render for a re-upload whose outcome is a failure (its own event retries it)', async () => {
    // Prepare: while the delete runs, the key is uploaded again and that run's render fails.
    const { sources, thumbnails, renderer, deps } = setup();
    renderer.failWith = new Error('sharp crashed');
    const head = sources.head.bind(sources);
    let heads = 0;
    sources.head = async (bucket, key) => {
      heads++;
      if (heads === 2) {
        // The delete's check after its deletes: the re-upload and its failed run came first.
        sources.head = head;
        sources.put(BUCKET, KEY, new Uint8Array([1]));
        await expect(
          createThumbnails({ bucket: BUCKET, key: KEY, sequencer: UPLOAD_2 }, deps),
        ).rejects.toThrow('sharp crashed');
      }
      return head(bucket, key);
    };

    // Act
    const result = await deleteThumbnails({ bucket: BUCKET, key: KEY, sequencer: DELETE_1 }, deps);

    // Assess
    expect(heads).toBe(2);
    expect(result).toEqual({ status: 'deleted', keys: [] });
    expect(thumbnails.outcomes.get(OUTCOME)?.status).toBe('failed');
    expect(renderer.calls).toHaveLength(1);
  });

  it('ignores keys outside the uploads layout', async () => {
    // Prepare
    const { thumbnails, deps } = setup();

    // Act
    const result = await deleteThumbnails(
      { bucket: BUCKET, key: 'uploads/only-a-product-id' },
      deps,
    );

    // Assess
    expect(result).toEqual({ status: 'skipped', reason: SKIP_REASONS.notAnUploadKey });
    expect(thumbnails.deletes).toEqual([]);
  });

  it('removes the thumbnails of a key the catalog is too short for, made before its limit', async () => {
    // Prepare: a 1000-byte key (thumbnailed when the limit was 1019 bytes, S3's bound; now 999,
    // the catalog's) and a 1020-byte key, which never had thumbnails.
    const { thumbnails, deps } = setup();
    const name = `${'a'.repeat(990)}.jpg`;
    const made = [1024, 512, 128].map((width) => `p1/${name}/${width}.webp`);
    for (const key of made) {
      await thumbnails.put({ key, width: 1, height: 1, body: new Uint8Array() }, 'etag');
    }

    // Act
    const removed = await deleteThumbnails(
      { bucket: BUCKET, key: `uploads/p1/${name}`, sequencer: DELETE_1 },
      deps,
    );
    const tooLong = await deleteThumbnails(
      { bucket: BUCKET, key: `uploads/p1/${'a'.repeat(1010)}.jpg`, sequencer: DELETE_1 },
      deps,
    );

    // Assess
    expect(removed).toEqual({ status: 'deleted', keys: made });
    expect([...thumbnails.objects.keys()]).toEqual([]);
    expect(tooLong).toEqual({ status: 'skipped', reason: SKIP_REASONS.notAnUploadKey });
  });
});
