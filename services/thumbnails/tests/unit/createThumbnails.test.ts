import { describe, expect, it } from 'vitest';
import { createThumbnails } from '../../src/domain/createThumbnails.js';
import { deleteThumbnails } from '../../src/domain/deleteThumbnails.js';
import { ImageRejectedError, type ReadRefusal } from '../../src/domain/errors.js';
import { SKIP_REASONS } from '../../src/domain/skipReasons.js';
import {
  FakeRenderer,
  FakeSourceStore,
  FakeThumbnailStore,
  type StoredAttributes,
} from '../support/fakes.js';

const BUCKET = 'uploads-bucket';
const KEY = 'uploads/p-1/front view.jpg';
const OUTCOME = 'p-1/front view.jpg/outcome.json';
const SEQ = '0067F3E1A5B2C3D4E5';
const settings = { widths: [128, 1024, 512], maxSourceBytes: 1000 };
const upload = { bucket: BUCKET, key: KEY, sequencer: SEQ };
const THUMBS = ['1024', '512', '128'].map((w) => `p-1/front view.jpg/${w}.webp`);

const setup = (
  body: Uint8Array = new Uint8Array([1, 2, 3]),
  attributes: StoredAttributes = {},
  refusal?: ReadRefusal,
) => {
  const sources = new FakeSourceStore();
  const thumbnails = new FakeThumbnailStore();
  const renderer = new FakeRenderer();
  const etag = sources.put(BUCKET, KEY, body, attributes, refusal);
  const now = () => new Date('2026-03-14T09:27:00.000Z');
  return {
    sources,
    thumbnails,
    renderer,
    etag,
    deps: { sources, thumbnails, renderer, now, ...settings },
  };
};

/**
 * While run A writes its first thumbnail, version B is uploaded and B's run completes (then
 * `afterB` runs). Returns B's ETag once A has started writing.
 */
const newerRunDuringFirstPut = (
  { deps, sources, thumbnails }: ReturnType<typeof setup>,
  afterB: () => void = () => undefined,
) => {
  const put = thumbnails.put.bind(thumbnails);
  let newer = '';
  thumbnails.put = async (thumbnail, sourceEtag) => {
    if (newer === '') {
      newer = sources.put(BUCKET, KEY, new Uint8Array([7, 7, 7, 7]));
      thumbnails.put = put;
      await createThumbnails({ ...upload, eTag: newer, sequencer: 'AA' }, deps);
      afterB();
    }
    return put(thumbnail, sourceEtag);
  };
  return () => newer;
};

describe('createThumbnails', () => {
  it('writes one thumbnail per width, then the generated outcome listing them, last', async () => {
    // Prepare
    const { deps, thumbnails, renderer, etag } = setup();

    // Act
    const result = await createThumbnails(upload, deps);

    // Assess
    expect(result).toMatchObject({ status: 'created', etag, sourceBytes: 3 });
    expect(renderer.calls).toEqual([[1024, 512, 128]]);
    expect(thumbnails.calls).toEqual([...THUMBS.map((key) => `put ${key}`), `outcome ${OUTCOME}`]);
    expect(thumbnails.objects.get(THUMBS[0] as string)?.sourceEtag).toBe(etag);
    expect(thumbnails.outcomes.get(OUTCOME)).toEqual({
      version: 1,
      status: 'generated',
      source: { bucket: BUCKET, key: KEY, eTag: etag, size: 3, sequencer: SEQ },
      thumbnails: [
        { key: THUMBS[0], width: 1024, height: 512, bytes: 9 },
        { key: THUMBS[1], width: 512, height: 256, bytes: 8 },
        { key: THUMBS[2], width: 128, height: 64, bytes: 8 },
      ],
      writtenAt: '2026-03-14T09:27:00.000Z',
    });
  });

  it('only rewrites the outcome with the new sequencer when the same bytes come again', async () => {
    // Prepare
    const { deps, sources, thumbnails, renderer } = setup();
    await createThumbnails(upload, deps);
    thumbnails.writes.length = 0;

    // Act
    const result = await createThumbnails({ ...upload, sequencer: 'AA' }, deps);
    const repeated = await createThumbnails({ ...upload, sequencer: 'AA' }, deps);

    // Assess
    expect(result).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.unchanged });
    expect(repeated).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.unchanged });
    expect(sources.reads).toHaveLength(1);
    expect(renderer.calls).toHaveLength(1);
    expect(thumbnails.writes).toEqual([]);
    expect(thumbnails.outcomeWrites).toHaveLength(2);
    expect(thumbnails.outcomes.get(OUTCOME)).toMatchObject({
      status: 'generated',
      source: { sequencer: 'AA' },
      thumbnails: [{ key: THUMBS[0] }, { key: THUMBS[1] }, { key: THUMBS[2] }],
    });
  });

  it('keeps the newer sequencer when an older event of the same bytes comes last', async () => {
    // Prepare: the re-upload's event (AA) was handled first; the first upload's event is late.
    const { deps, thumbnails, etag } = setup();
    await createThumbnails({ ...upload, sequencer: 'AA' }, deps);
    thumbnails.outcomeWrites.length = 0;

    // Act
    const late = await createThumbnails({ ...upload, eTag: etag }, deps);

    // Assess: the outcome still names AA, the sequencer the catalog item holds.
    expect(late).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.unchanged });
    expect(thumbnails.outcomeWrites).toEqual([]);
    expect(thumbnails.outcomes.get(OUTCOME)?.source.sequencer).toBe('AA');
  });

  it('writes nothing for an event about a version the object no longer is', async () => {
    // Prepare: the event names the first upload; a second upload replaced it before the HEAD
    // (and its own run wrote its outcome).
    const { deps, sources, thumbnails, renderer, etag } = setup();
    const newer = sources.put(BUCKET, KEY, new Uint8Array([9, 9, 9, 9]));
    await createThumbnails({ ...upload, eTag: newer, sequencer: 'AA' }, deps);
    const before = thumbnails.outcomes.get(OUTCOME);
    thumbnails.writes.length = 0;
    thumbnails.outcomeWrites.length = 0;

    // Act
    const late = await createThumbnails({ ...upload, eTag: etag }, deps);

    // Assess
    expect(late).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.superseded });
    expect(renderer.calls).toHaveLength(1);
    expect(thumbnails.writes).toEqual([]);
    expect(thumbnails.outcomeWrites).toEqual([]);
    expect(thumbnails.outcomes.get(OUTCOME)).toEqual(before);
    expect(before?.source).toMatchObject({ eTag: newer, sequencer: 'AA' });
  });

  it('regenerates the thumbnails of an overwritten object', async () => {
    // Prepare
    const { deps, sources, thumbnails } = setup();
    await createThumbnails(upload, deps);
    const newEtag = sources.put(BUCKET, KEY, new Uint8Array([9, 9, 9, 9]));

    // Act
    const result = await createThumbnails({ ...upload, sequencer: 'AB' }, deps);

    // Assess
    expect(result).toMatchObject({ status: 'created', etag: newEtag });
    expect(thumbnails.writes).toHaveLength(6);
    expect(thumbnails.outcomes.get(OUTCOME)?.source).toMatchObject({ eTag: newEtag });
  });

  it('removes the thumbnails of the previous version when an overwrite is rejected', async () => {
    // Prepare
    const { deps, sources, thumbnails, renderer } = setup();
    await createThumbnails(upload, deps);
    sources.put(BUCKET, KEY, new Uint8Array([7, 7]));
    renderer.failWith = new ImageRejectedError(SKIP_REASONS.notAnImage, 'no signature');

    // Act
    const result = await createThumbnails({ ...upload, sequencer: 'AB' }, deps);

    // Assess
    expect(result).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.notAnImage });
    expect(thumbnails.objects.size).toBe(0);
    expect(thumbnails.calls.at(-1)).toBe(`outcome ${OUTCOME}`);
    expect(thumbnails.outcomes.get(OUTCOME)).toMatchObject({
      status: 'skipped',
      reason: 'not-an-image',
      detail: 'no signature',
      thumbnails: [],
    });
  });

  it('writes no thumbnail and no outcome when the upload is replaced while it is rendered', async () => {
    // Prepare
    const { deps, sources, thumbnails, renderer } = setup();
    const render = renderer.render.bind(renderer);
    renderer.render = async (body, widths) => {
      sources.put(BUCKET, KEY, new Uint8Array([5, 5, 5, 5, 5]));
      return render(body, widths);
    };

    // Act
    const result = await createThumbnails(upload, deps);

    // Assess
    expect(result).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.superseded });
    expect(thumbnails.writes).toEqual([]);
    expect(thumbnails.outcomeWrites).toEqual([]);
  });

  it("repairs the newer version's thumbnails when its run finished during this run's PUTs", async () => {
    // Prepare: while run A writes its first thumbnail, B is uploaded and B's run completes.
    const context = setup();
    const { deps, thumbnails, renderer, etag } = context;
    const newerEtag = newerRunDuringFirstPut(context);

    // Act
    const result = await createThumbnails({ ...upload, eTag: etag }, deps);
    const newer = newerEtag();

    // Assess: the files show B again, as B's outcome says.
    expect(result).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.superseded });
    expect(renderer.calls).toHaveLength(3);
    for (const key of THUMBS) expect(thumbnails.objects.get(key)?.sourceEtag).toBe(newer);
    expect(thumbnails.outcomes.get(OUTCOME)?.source).toMatchObject({
      eTag: newer,
      sequencer: 'AA',
    });
  });

  it("repairs the newer version's thumbnails on the retry of a run that stopped before converging", async () => {
    // Prepare: while run A writes its first thumbnail, B is uploaded and B's run completes;
    // A's files overwrite B's, and A fails while it renders B to repair them.
    const context = setup();
    const { deps, thumbnails, renderer, etag } = context;
    const newerEtag = newerRunDuringFirstPut(context, () => {
      renderer.failWith = new Error('Runtime exited: out of memory');
    });
    await expect(createThumbnails({ ...upload, eTag: etag }, deps)).rejects.toThrow(
      'out of memory',
    );
    for (const key of THUMBS) expect(thumbnails.objects.get(key)?.sourceEtag).toBe(etag);
    const outcomeOfB = thumbnails.outcomes.get(OUTCOME);
    renderer.failWith = undefined;

    // Act: Lambda's retry of A's event.
    const retry = await createThumbnails({ ...upload, eTag: etag }, deps);
    const newer = newerEtag();

    // Assess: the files show B again, as B's outcome (untouched) says.
    expect(retry).toMatchObject({
      status: 'skipped',
      reason: SKIP_REASONS.superseded,
      detail: 'brought the thumbnails back to what is stored',
    });
    for (const key of THUMBS) expect(thumbnails.objects.get(key)?.sourceEtag).toBe(newer);
    expect(thumbnails.outcomes.get(OUTCOME)).toEqual(outcomeOfB);
    expect(outcomeOfB?.source).toMatchObject({ eTag: newer, sequencer: 'AA' });
  });

  it('removes what the run of a deleted upload left when it stopped before taking it back', async () => {
    // Prepare: the upload is deleted (the delete's run finds no outcome) just before run A
    // writes its outcome; A sees the delete, and fails as it takes its outcome back.
    const { deps, sources, thumbnails, etag } = setup();
    let deleted = false;
    thumbnails.before = async (call) => {
      if (call === `outcome ${OUTCOME}` && !deleted) {
        deleted = true;
        sources.objects.clear();
        await deleteThumbnails({ bucket: BUCKET, key: KEY, sequencer: `${SEQ}1` }, deps);
      } else if (call === `delete-outcome ${OUTCOME}` && deleted) {
        throw new Error('socket hang up');
      }
    };
    await expect(createThumbnails({ ...upload, eTag: etag }, deps)).rejects.toThrow(
      'socket hang up',
    );
    // (the delete's run removed A's thumbnails; A's outcome is left behind)
    expect(thumbnails.outcomes.get(OUTCOME)?.source.eTag).toBe(etag);
    expect([...thumbnails.objects.keys()]).toEqual([]);
    thumbnails.before = undefined;

    // Act: Lambda's retry of A's event.
    const retry = await createThumbnails({ ...upload, eTag: etag }, deps);

    // Assess: no outcome and no thumbnail of the deleted upload is left.
    expect(retry).toEqual({
      status: 'skipped',
      reason: SKIP_REASONS.sourceMissing,
      detail: 'removed the outcome this version left',
    });
    expect(thumbnails.outcomes.size).toBe(0);
    expect([...thumbnails.objects.keys()]).toEqual([]);
  });

  it("keeps another upload's outcome and files when a late event of a deleted version comes", async () => {
    // Prepare: B replaced A and B's run finished; then B was deleted and B's delete event is
    // not handled yet when A's event arrives late.
    const { deps, sources, thumbnails, etag } = setup();
    const newer = sources.put(BUCKET, KEY, new Uint8Array([7, 7, 7, 7]));
    await createThumbnails({ ...upload, eTag: newer, sequencer: 'AA' }, deps);
    sources.objects.clear();
    const outcomeOfB = thumbnails.outcomes.get(OUTCOME);
    thumbnails.calls.length = 0;

    // Act
    const late = await createThumbnails({ ...upload, eTag: etag }, deps);

    // Assess: nothing of B's is touched (B's own delete event removes them).
    expect(late).toEqual({ status: 'skipped', reason: SKIP_REASONS.sourceMissing });
    expect(thumbnails.calls).toEqual([]);
    expect(thumbnails.outcomes.get(OUTCOME)).toEqual(outcomeOfB);
    for (const key of THUMBS) expect(thumbnails.objects.get(key)?.sourceEtag).toBe(newer);
  });

  it('keeps the outcome of the same bytes uploaded again after a late event found none', async () => {
    // Prepare: X was handled, deleted and cleaned up; a late copy of X's event finds no upload
    // at its HEAD, and then the same bytes are uploaded again (same ETag, later sequencer) and
    // that upload's run writes its outcome.
    const { deps, sources, thumbnails, etag } = setup();
    await createThumbnails({ ...upload, eTag: etag }, deps);
    sources.objects.clear();
    await deleteThumbnails({ bucket: BUCKET, key: KEY, sequencer: `${SEQ}1` }, deps);
    const head = sources.head.bind(sources);
    let uploadedAgain = false;
    sources.head = async (bucket, key) => {
      const found = await head(bucket, key);
      if (!uploadedAgain) {
        uploadedAgain = true;
        sources.put(BUCKET, KEY, new Uint8Array([1, 2, 3]));
        await createThumbnails({ ...upload, eTag: etag, sequencer: `${SEQ}2` }, deps);
      }
      return found;
    };

    // Act
    const late = await createThumbnails({ ...upload, eTag: etag }, deps);

    // Assess: the new upload's outcome and thumbnails stand.
    expect(late).toEqual({ status: 'skipped', reason: SKIP_REASONS.sourceMissing });
    expect(thumbnails.outcomes.get(OUTCOME)?.source).toMatchObject({
      eTag: etag,
      sequencer: `${SEQ}2`,
    });
    for (const key of THUMBS) expect(thumbnails.objects.get(key)?.sourceEtag).toBe(etag);
  });

  it('repairs files of any other version under the outcome of the stored one', async () => {
    // Prepare: B is stored and its run concluded; then a stopped repair of an in-between
    // version left one of its files over B's.
    const { deps, sources, thumbnails, renderer, etag } = setup();
    const newer = sources.put(BUCKET, KEY, new Uint8Array([7, 7, 7, 7]));
    await createThumbnails({ ...upload, eTag: newer, sequencer: 'AA' }, deps);
    const outcomeOfB = thumbnails.outcomes.get(OUTCOME);
    const body = new TextEncoder().encode('in between');
    await thumbnails.put({ key: THUMBS[1] as string, width: 512, height: 256, body }, 'between');

    // Act: a late event of the first upload.
    const late = await createThumbnails({ ...upload, eTag: etag }, deps);

    // Assess
    expect(late).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.superseded });
    expect(renderer.calls).toHaveLength(2);
    for (const key of THUMBS) expect(thumbnails.objects.get(key)?.sourceEtag).toBe(newer);
    expect(thumbnails.outcomes.get(OUTCOME)).toEqual(outcomeOfB);
  });

  it("leaves the files to the stored version's run while it has not written its outcome", async () => {
    // Prepare: A was handled; B replaced it and B's run has not concluded yet.
    const { deps, sources, thumbnails, renderer, etag } = setup();
    await createThumbnails({ ...upload, eTag: etag }, deps);
    sources.put(BUCKET, KEY, new Uint8Array([7, 7, 7, 7]));
    thumbnails.calls.length = 0;

    // Act: a duplicate of A's event.
    const late = await createThumbnails({ ...upload, eTag: etag }, deps);

    // Assess: nothing rendered or written (B's run writes B's files).
    expect(late).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.superseded });
    expect(late).not.toHaveProperty('detail');
    expect(renderer.calls).toHaveLength(1);
    expect(thumbnails.calls).toEqual([]);
    for (const key of THUMBS) expect(thumbnails.objects.get(key)?.sourceEtag).toBe(etag);
  });

  it('fails the record, so Lambda retries it, when the upload keeps changing during repairs', async () => {
    // Prepare: every thumbnail written is followed by another upload of the key.
    const { deps, sources, thumbnails, renderer, etag } = setup();
    const put = thumbnails.put.bind(thumbnails);
    let uploads = 0;
    thumbnails.put = async (thumbnail, sourceEtag) => {
      uploads += 1;
      sources.put(BUCKET, KEY, new Uint8Array([uploads, 1, 2, 3]));
      return put(thumbnail, sourceEtag);
    };

    // Act
    const run = createThumbnails({ ...upload, eTag: etag }, deps);

    // Assess: the first render, then three repairs.
    await expect(run).rejects.toThrow('kept changing while its thumbnails were repaired');
    expect(renderer.calls).toHaveLength(4);
  });

  it("removes this run's thumbnails when the upload was deleted during its PUTs", async () => {
    // Prepare: while run A writes its first thumbnail, the upload is deleted and cleaned up.
    const { deps, sources, thumbnails, etag } = setup();
    const put = thumbnails.put.bind(thumbnails);
    thumbnails.put = async (thumbnail, sourceEtag) => {
      thumbnails.put = put;
      sources.objects.delete(`${BUCKET}/${KEY}`);
      await thumbnails.delete([...THUMBS, OUTCOME]);
      return put(thumbnail, sourceEtag);
    };

    // Act
    const result = await createThumbnails({ ...upload, eTag: etag }, deps);

    // Assess
    expect(result).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.superseded });
    expect([...thumbnails.objects.keys()]).toEqual([]);
    expect(thumbnails.outcomes.size).toBe(0);
  });

  it('never overwrites the outcome of a version uploaded after its last HEAD', async () => {
    // Prepare: run A (the first upload) is about to write its outcome when the key is uploaded
    // again and the new version's run B completes.
    const { deps, sources, thumbnails, etag } = setup();
    let newer = '';
    thumbnails.before = async (call) => {
      if (call !== `outcome ${OUTCOME}` || newer !== '') return;
      newer = sources.put(BUCKET, KEY, new Uint8Array([7, 7, 7, 7]));
      await createThumbnails({ ...upload, eTag: newer, sequencer: 'AA' }, deps);
    };

    // Act
    const result = await createThumbnails({ ...upload, eTag: etag }, deps);

    // Assess: B's outcome stands, and the files show B.
    expect(result).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.superseded });
    expect(thumbnails.refusedOutcomeWrites).toEqual([[OUTCOME, 'generated']]);
    expect(thumbnails.outcomes.get(OUTCOME)?.source).toMatchObject({
      eTag: newer,
      sequencer: 'AA',
    });
    for (const key of THUMBS) expect(thumbnails.objects.get(key)?.sourceEtag).toBe(newer);
  });

  it("writes its outcome over an older version's outcome that landed after it read", async () => {
    // Prepare: a stalled run of an older upload writes its outcome just before this run's.
    const { deps, thumbnails, etag } = setup();
    let stale = false;
    thumbnails.before = async (call) => {
      if (call !== `outcome ${OUTCOME}` || stale) return;
      stale = true;
      thumbnails.outcomes.set(OUTCOME, {
        version: 1,
        status: 'skipped',
        reason: 'empty',
        source: { bucket: BUCKET, key: KEY, eTag: 'older', size: 0, sequencer: '00' },
        thumbnails: [],
        writtenAt: '2026-03-14T09:26:00.000Z',
      });
    };

    // Act
    const result = await createThumbnails(upload, deps);

    // Assess: refused once, read again, written.
    expect(result).toMatchObject({ status: 'created', etag });
    expect(thumbnails.refusedOutcomeWrites).toEqual([[OUTCOME, 'generated']]);
    expect(thumbnails.outcomes.get(OUTCOME)).toMatchObject({
      status: 'generated',
      source: { eTag: etag, sequencer: SEQ },
    });
    for (const key of THUMBS) expect(thumbnails.objects.get(key)?.sourceEtag).toBe(etag);
  });

  it('takes its outcome back when the upload was deleted between its last HEAD and the write', async () => {
    // Prepare: the upload is deleted, and the delete's run finishes (it finds no outcome to
    // remove), just before this run writes its outcome.
    const { deps, sources, thumbnails, etag } = setup();
    let deleted = false;
    thumbnails.before = async (call) => {
      if (call !== `outcome ${OUTCOME}` || deleted) return;
      deleted = true;
      sources.objects.clear();
      await deleteThumbnails({ bucket: BUCKET, key: KEY, sequencer: `${SEQ}1` }, deps);
    };

    // Act
    const result = await createThumbnails({ ...upload, eTag: etag }, deps);

    // Assess: no outcome and no thumbnail of the deleted upload is left.
    expect(result).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.superseded });
    expect(thumbnails.outcomeWrites).toEqual([[OUTCOME, 'generated']]);
    expect(thumbnails.outcomes.size).toBe(0);
    expect([...thumbnails.objects.keys()]).toEqual([]);
  });

  it("puts back the newer version's thumbnails that a superseded skip deleted", async () => {
    // Prepare: run A (an empty upload, so a skip that removes the expected keys) has passed
    // its HEAD when the key is uploaded again and the new version's run B completes; then A
    // deletes, and its outcome write is refused.
    const { deps, sources, thumbnails, renderer } = setup(new Uint8Array(0));
    let newer = '';
    thumbnails.before = async (call) => {
      if (!call.startsWith('delete ') || newer !== '') return;
      newer = sources.put(BUCKET, KEY, new Uint8Array([7, 7, 7, 7]));
      await createThumbnails({ ...upload, eTag: newer, sequencer: 'AA' }, deps);
    };

    // Act
    const result = await createThumbnails(upload, deps);

    // Assess: B's outcome stands and lists files that exist, rendered again from B
    expect(result).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.superseded });
    expect(thumbnails.refusedOutcomeWrites).toEqual([[OUTCOME, 'skipped']]);
    expect(thumbnails.outcomes.get(OUTCOME)?.source).toMatchObject({ eTag: newer });
    for (const key of THUMBS) expect(thumbnails.objects.get(key)?.sourceEtag).toBe(newer);
    expect(renderer.calls).toHaveLength(2);
  });

  it('does not report created when the upload was replaced right after its outcome', async () => {
    // Prepare: the key is uploaded again just as run A writes its outcome.
    const { deps, sources, thumbnails, etag } = setup();
    let newer = '';
    thumbnails.before = async (call) => {
      if (call === `outcome ${OUTCOME}` && newer === '') {
        newer = sources.put(BUCKET, KEY, new Uint8Array([7, 7, 7, 7]));
      }
    };

    // Act
    const result = await createThumbnails({ ...upload, eTag: etag }, deps);

    // Assess: superseded, and the files show what is stored (the new version's run writes
    // its own outcome over A's)
    expect(result).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.superseded });
    for (const key of THUMBS) expect(thumbnails.objects.get(key)?.sourceEtag).toBe(newer);
  });

  it('renders again when a thumbnail the outcome lists was made from another version', async () => {
    // Prepare: a run of another version overwrote one thumbnail after this version's outcome
    // and ended before it could repair it (a crash); then this version's event comes again.
    const { deps, thumbnails, renderer, etag } = setup();
    await createThumbnails(upload, deps);
    const overwritten = thumbnails.objects.get(THUMBS[1] as string);
    if (overwritten === undefined) throw new Error('no thumbnail written');
    overwritten.sourceEtag = 'another-version';

    // Act
    const result = await createThumbnails(upload, deps);

    // Assess: not `unchanged`; every file is this version's again
    expect(result).toMatchObject({ status: 'created', etag });
    expect(renderer.calls).toHaveLength(2);
    for (const key of THUMBS) expect(thumbnails.objects.get(key)?.sourceEtag).toBe(etag);
  });

  it('fails the record, so Lambda retries it, when its outcome keeps being rewritten', async () => {
    // Prepare: another outcome lands before each of this run's writes.
    const { deps, thumbnails } = setup();
    let rewrites = 0;
    thumbnails.before = async (call) => {
      if (call !== `outcome ${OUTCOME}`) return;
      rewrites += 1;
      thumbnails.outcomes.set(OUTCOME, {
        version: 1,
        status: 'skipped',
        reason: 'empty',
        source: { bucket: BUCKET, key: KEY, eTag: `other-${rewrites}`, size: 0 },
        thumbnails: [],
        writtenAt: '2026-03-14T09:26:00.000Z',
      });
    };

    // Act
    const run = createThumbnails(upload, deps);

    // Assess: the first write and three more rounds, all refused.
    await expect(run).rejects.toThrow('its outcome kept being rewritten by other runs');
    expect(thumbnails.refusedOutcomeWrites).toHaveLength(4);
  });

  it('skips an object over the byte limit without downloading it', async () => {
    // Prepare
    const { deps, sources, thumbnails } = setup(new Uint8Array(1001));

    // Act
    const result = await createThumbnails(upload, deps);

    // Assess
    expect(result).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.tooManyBytes });
    expect(sources.reads).toEqual([]);
    expect(thumbnails.outcomes.get(OUTCOME)).toMatchObject({
      status: 'skipped',
      reason: 'too-many-bytes',
    });
  });

  it('skips a zero-byte object without downloading it, with a skipped outcome', async () => {
    // Prepare
    const { deps, sources, thumbnails } = setup(new Uint8Array(0));

    // Act
    const result = await createThumbnails(upload, deps);

    // Assess
    expect(result).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.empty });
    expect(sources.reads).toEqual([]);
    expect(thumbnails.outcomes.get(OUTCOME)).toMatchObject({ status: 'skipped', reason: 'empty' });
  });

  it('skips keys outside uploads/<productId>/<name> without touching S3', async () => {
    // Prepare
    const { deps, sources, thumbnails } = setup();

    // Act
    const result = await createThumbnails({ bucket: BUCKET, key: 'other/x.jpg' }, deps);

    // Assess
    expect(result).toEqual({ status: 'skipped', reason: SKIP_REASONS.notAnUploadKey });
    expect(sources.reads).toEqual([]);
    expect(thumbnails.calls).toEqual([]);
  });

  it('skips a key too long for the media catalog (uploads/p1/<990 x a>.jpg) without touching S3', async () => {
    // Prepare: 1000 bytes. Its outcome key would fit S3, but the catalog's sort key
    // (`<time>#<key>`, 1025 bytes) would not fit DynamoDB's 1024: the indexer skips it too.
    const { deps, sources, thumbnails } = setup();
    const key = `uploads/p1/${'a'.repeat(990)}.jpg`;
    sources.put(BUCKET, key, new Uint8Array([1, 2, 3]));

    // Act
    const result = await createThumbnails({ bucket: BUCKET, key, sequencer: SEQ }, deps);

    // Assess
    expect(result).toEqual({ status: 'skipped', reason: SKIP_REASONS.notAnUploadKey });
    expect(sources.reads).toEqual([]);
    expect(thumbnails.calls).toEqual([]);
  });

  it('skips an object deleted before it was processed, writing no outcome', async () => {
    // Prepare
    const { deps, sources, thumbnails } = setup();
    sources.objects.clear();

    // Act
    const result = await createThumbnails(upload, deps);

    // Assess
    expect(result).toEqual({ status: 'skipped', reason: SKIP_REASONS.sourceMissing });
    expect(thumbnails.calls).toEqual([]);
  });

  it('skips as superseded when the object changes between HEAD and GET, writing nothing', async () => {
    // Prepare
    const { deps, sources, thumbnails } = setup();
    sources.changeBeforeRead = true;

    // Act
    const result = await createThumbnails(upload, deps);

    // Assess
    expect(result).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.superseded });
    expect(thumbnails.calls).toEqual([]);
  });

  it('turns a rejected image into a skip carrying the reason and detail', async () => {
    // Prepare
    const { deps, renderer, thumbnails, etag } = setup();
    renderer.failWith = new ImageRejectedError(SKIP_REASONS.tooManyPixels, '50000x50000');

    // Act
    const result = await createThumbnails(upload, deps);

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

  it('records a failed outcome and lets the error through, so the invocation is retried', async () => {
    // Prepare
    const { deps, renderer, thumbnails } = setup();
    renderer.failWith = new Error('out of file descriptors');

    // Act
    const attempt = createThumbnails(upload, deps);

    // Assess
    await expect(attempt).rejects.toThrow('out of file descriptors');
    expect(thumbnails.outcomes.get(OUTCOME)).toMatchObject({
      status: 'failed',
      reason: 'render-error',
      detail: 'out of file descriptors',
      thumbnails: [],
    });
  });

  it('renders again after a failed outcome instead of calling it unchanged', async () => {
    // Prepare
    const { deps, renderer, thumbnails } = setup();
    renderer.failWith = new Error('transient');
    await expect(createThumbnails(upload, deps)).rejects.toThrow();
    renderer.failWith = undefined;

    // Act
    const result = await createThumbnails(upload, deps);

    // Assess
    expect(result).toMatchObject({ status: 'created' });
    expect(thumbnails.outcomes.get(OUTCOME)?.status).toBe('generated');
  });
});

describe('createThumbnails of an upload S3 will not serve', () => {
  it.each<[string, StoredAttributes, string]>([
    ['GLACIER', { storageClass: 'GLACIER' }, 'archived (storage class GLACIER): S3 serves it'],
    ['DEEP_ARCHIVE', { storageClass: 'DEEP_ARCHIVE' }, 'archived (storage class DEEP_ARCHIVE)'],
    [
      'INTELLIGENT_TIERING in the archive tier',
      { storageClass: 'INTELLIGENT_TIERING', archiveStatus: 'ARCHIVE_ACCESS' },
      'archived (storage class INTELLIGENT_TIERING, archive tier ARCHIVE_ACCESS)',
    ],
    [
      'INTELLIGENT_TIERING in the deep archive tier',
      { storageClass: 'INTELLIGENT_TIERING', archiveStatus: 'DEEP_ARCHIVE_ACCESS' },
      'archive tier DEEP_ARCHIVE_ACCESS',
    ],
    [
      'GLACIER while a restore runs',
      { storageClass: 'GLACIER', restore: 'ongoing-request="true"' },
      'archived (storage class GLACIER) (a restore is in progress)',
    ],
    [
      'SSE-C',
      { sseCustomerAlgorithm: 'AES256' },
      'encrypted with a customer-provided key (SSE-C, AES256)',
    ],
  ])(
    'skips %s with a skipped outcome, without a GET or thumbnails',
    async (_, attributes, detail) => {
      // Prepare
      const { deps, sources, thumbnails, renderer, etag } = setup(
        undefined,
        attributes,
        'archived',
      );

      // Act
      const result = await createThumbnails(upload, deps);

      // Assess
      expect(result).toEqual({
        status: 'skipped',
        reason: SKIP_REASONS.sourceUnreadable,
        detail: expect.stringContaining(detail),
        etag,
        sourceBytes: 3,
      });
      expect(sources.reads).toEqual([]);
      expect(renderer.calls).toEqual([]);
      expect(thumbnails.writes).toEqual([]);
      expect(thumbnails.outcomes.get(OUTCOME)).toEqual({
        version: 1,
        status: 'skipped',
        reason: 'source-unreadable',
        detail: expect.stringContaining(detail),
        source: { bucket: BUCKET, key: KEY, eTag: etag, size: 3, sequencer: SEQ },
        thumbnails: [],
        writtenAt: '2026-03-14T09:27:00.000Z',
      });
    },
  );

  it.each<[string, StoredAttributes]>([
    ['GLACIER_IR', { storageClass: 'GLACIER_IR' }],
    ['STANDARD_IA', { storageClass: 'STANDARD_IA' }],
    ['ONEZONE_IA', { storageClass: 'ONEZONE_IA' }],
    ['REDUCED_REDUNDANCY', { storageClass: 'REDUCED_REDUNDANCY' }],
    ['INTELLIGENT_TIERING outside the archive tiers', { storageClass: 'INTELLIGENT_TIERING' }],
    [
      'GLACIER once restored',
      {
        storageClass: 'GLACIER',
        restore: 'ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"',
      },
    ],
    ['SSE-S3', { serverSideEncryption: 'AES256' }],
    ['SSE-KMS under a key that lets it decrypt', { serverSideEncryption: 'aws:kms' }],
  ])('reads and renders %s', async (_, attributes) => {
    // Prepare
    const { deps, sources } = setup(undefined, attributes);

    // Act
    const result = await createThumbnails(upload, deps);

    // Assess
    expect(result).toMatchObject({ status: 'created' });
    expect(sources.reads).toHaveLength(1);
  });

  it.each([
    ['SSE-KMS', 'aws:kms'],
    ['DSSE-KMS', 'aws:kms:dsse'],
  ])(
    'skips %s whose key refuses the GET, with a skipped outcome and no thumbnails',
    async (kind, encryption) => {
      // Prepare
      const attributes = { serverSideEncryption: encryption };
      const { deps, sources, thumbnails, renderer } = setup(undefined, attributes, 'access-denied');

      // Act
      const result = await createThumbnails(upload, deps);

      // Assess: the one GET was refused, so no bytes came.
      // The catalog API serves the detail: it names no key (nor the account in its ARN).
      const detail = `encrypted with ${kind} under a KMS key that does not let this function`;
      expect(result).toMatchObject({
        status: 'skipped',
        reason: SKIP_REASONS.sourceUnreadable,
        detail: expect.stringContaining(detail),
      });
      expect(sources.reads).toHaveLength(1);
      expect(renderer.calls).toEqual([]);
      expect(thumbnails.writes).toEqual([]);
      expect(thumbnails.outcomes.get(OUTCOME)).toMatchObject({
        status: 'skipped',
        reason: 'source-unreadable',
        detail: expect.stringContaining(detail),
        thumbnails: [],
      });
    },
  );

  it('skips an upload archived between the HEAD and the GET', async () => {
    // Prepare: the HEAD saw a restored copy, which expired before the GET.
    const attributes = { storageClass: 'GLACIER', restore: 'ongoing-request="false"' };
    const { deps, thumbnails } = setup(undefined, attributes, 'archived');

    // Act
    const result = await createThumbnails(upload, deps);

    // Assess
    expect(result).toMatchObject({
      status: 'skipped',
      reason: SKIP_REASONS.sourceUnreadable,
      detail: expect.stringContaining('archived (storage class GLACIER)'),
    });
    expect(thumbnails.outcomes.get(OUTCOME)?.reason).toBe('source-unreadable');
  });

  it('fails the record when the GET of an object not KMS-encrypted is refused (our permissions)', async () => {
    // Prepare
    const attributes = { serverSideEncryption: 'AES256' };
    const { deps, thumbnails } = setup(undefined, attributes, 'access-denied');

    // Act
    const attempt = createThumbnails(upload, deps);

    // Assess
    await expect(attempt).rejects.toThrow('GetObject: access-denied');
    expect(thumbnails.calls).toEqual([]);
  });

  it('removes the thumbnails of the previous version when it is overwritten by an archived one', async () => {
    // Prepare
    const { deps, sources, thumbnails } = setup();
    await createThumbnails(upload, deps);
    sources.put(BUCKET, KEY, new Uint8Array([7, 7]), { storageClass: 'DEEP_ARCHIVE' });
    sources.reads.length = 0;

    // Act
    const result = await createThumbnails({ ...upload, sequencer: 'AB' }, deps);

    // Assess
    expect(result).toMatchObject({ status: 'skipped', reason: SKIP_REASONS.sourceUnreadable });
    expect(sources.reads).toEqual([]);
    expect(thumbnails.objects.size).toBe(0);
    expect(thumbnails.outcomes.get(OUTCOME)).toMatchObject({
      status: 'skipped',
      reason: 'source-unreadable',
      thumbnails: [],
    });
  });
});
