import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyThumbnailOutcome } from '../../src/domain/applyThumbnailOutcome.js';
import { MalformedEventError } from '../../src/domain/errors.js';
import { indexObjectChange } from '../../src/domain/indexObjectChange.js';
import { normaliseSequencer } from '../../src/domain/sequencer.js';
import type { IndexChange, ObjectChange, OutcomeChange } from '../../src/domain/types.js';
import { FakeCatalog, FakeInspector, FakeOutcomeReader } from '../support/fakes.js';

const UPLOADS = 'uploads';
const KEY = 'uploads/prod-1/front view.jpg';
const OUTCOME_KEY = 'prod-1/front view.jpg/outcome.json';
const thumbs = (tag: string) =>
  [1024, 512, 128].map((width) => ({
    key: `prod-1/front view.jpg/${width}.webp`,
    width,
    height: width / 2,
    bytes: width + tag.length,
  }));

/** The outcome document the thumbnailer writes for upload `eTag` (event `sequencer`). */
const document = (
  eTag: string,
  sequencer: string,
  status: 'generated' | 'skipped' | 'failed' = 'generated',
) => ({
  version: 1,
  status,
  ...(status === 'generated'
    ? {}
    : { reason: status === 'skipped' ? 'not-an-image' : 'render-error' }),
  source: { bucket: UPLOADS, key: KEY, eTag, size: 5, sequencer },
  thumbnails: status === 'generated' ? thumbs(eTag) : [],
  writtenAt: '2026-03-14T10:00:02.000Z',
});

const setup = () => {
  const catalog = new FakeCatalog();
  const inspector = new FakeInspector();
  const outcomes = new FakeOutcomeReader();
  const deps = {
    catalog,
    inspector,
    outcomes,
    settings: { uploadsBucket: UPLOADS, thumbnailsBucket: 'thumbs' },
    now: () => new Date('2026-03-14T10:00:03.000Z'),
  };
  /** S3 now: upload `eTag` (or none) and the outcome object (or none). */
  const s3 = (upload: string | undefined, outcome?: { eTag: string; body: unknown }) => {
    if (upload === undefined) inspector.objects.delete(KEY);
    else {
      inspector.objects.set(KEY, {
        size: 5,
        eTag: upload,
        metadata: {},
        lastModified: '2026-03-14T10:00:00.000Z',
      });
    }
    if (outcome === undefined) outcomes.objects.delete(OUTCOME_KEY);
    else
      outcomes.objects.set(OUTCOME_KEY, { eTag: outcome.eTag, text: JSON.stringify(outcome.body) });
  };
  const deliver = (change: IndexChange) =>
    change.kind === 'outcome'
      ? applyThumbnailOutcome(change, deps)
      : indexObjectChange(change, { ...deps, settings: deps.settings });
  return { catalog, inspector, outcomes, deps, s3, deliver };
};

const created = (sequencer: string, eTag: string): ObjectChange => ({
  kind: 'created',
  eventId: `c-${sequencer}`,
  bucket: UPLOADS,
  key: KEY,
  sequencer: normaliseSequencer(sequencer),
  eTag,
  eventTime: '2026-03-14T10:00:00Z',
});
const deleted = (sequencer: string): ObjectChange => ({
  kind: 'deleted',
  eventId: `d-${sequencer}`,
  bucket: UPLOADS,
  key: KEY,
  sequencer: normaliseSequencer(sequencer),
  eventTime: '2026-03-14T10:00:05Z',
});
const outcomeEvent = (sequencer: string, eTag: string): OutcomeChange => ({
  kind: 'outcome',
  eventId: `o-${sequencer}`,
  bucket: 'thumbs',
  key: OUTCOME_KEY,
  sequencer: normaliseSequencer(sequencer),
  eTag,
  eventTime: '2026-03-14T10:00:02Z',
});

describe('applyThumbnailOutcome', () => {
  it('turns a processing item ready with exactly the thumbnails the outcome lists', async () => {
    // Prepare
    const { catalog, s3, deliver } = setup();
    s3('etag-1', { eTag: 'o-1', body: document('etag-1', '0A') });
    await deliver(created('0A', 'etag-1'));

    // Act
    const result = await deliver(outcomeEvent('1A', 'o-1'));

    // Assess
    expect(result).toEqual({ result: 'processed', key: KEY, productId: 'prod-1', status: 'ready' });
    expect(catalog.items.get(KEY)).toMatchObject({
      status: 'ready',
      eTag: 'etag-1',
      thumbnails: thumbs('etag-1'),
      processedAt: '2026-03-14T10:00:02.000Z',
    });
  });

  it('records a skipped upload with its reason and no thumbnails', async () => {
    const { catalog, s3, deliver } = setup();
    s3('etag-1', { eTag: 'o-1', body: document('etag-1', '0A', 'skipped') });
    await deliver(created('0A', 'etag-1'));

    await deliver(outcomeEvent('1A', 'o-1'));

    expect(catalog.items.get(KEY)).toMatchObject({
      status: 'skipped',
      reason: 'not-an-image',
      thumbnails: [],
    });
  });

  it('indexes the upload itself when its outcome arrives first', async () => {
    // Prepare
    const { catalog, s3, deliver } = setup();
    s3('etag-1', { eTag: 'o-1', body: document('etag-1', '0A') });

    // Act
    const first = await deliver(outcomeEvent('1A', 'o-1'));
    const late = await deliver(created('0A', 'etag-1'));

    // Assess
    expect(first).toMatchObject({ result: 'processed', status: 'ready' });
    expect(late).toMatchObject({ result: 'ignored', reason: 'stale-or-duplicate' });
    expect(catalog.items.get(KEY)).toMatchObject({
      status: 'ready',
      sequencer: normaliseSequencer('0A'),
      productSort: `2026-03-14T10:00:00.000Z#${KEY}`,
    });
  });

  it('ignores a late outcome for an upload that has been replaced', async () => {
    // Prepare: v2 indexed, then the outcome of v1 (still the object's content) arrives.
    const { catalog, s3, deliver } = setup();
    s3('etag-2', { eTag: 'o-1', body: document('etag-1', '0A') });
    await deliver(created('0B', 'etag-2'));

    // Act
    const result = await deliver(outcomeEvent('1A', 'o-1'));

    // Assess
    expect(result).toMatchObject({ result: 'ignored', reason: 'stale-or-duplicate' });
    expect(catalog.items.get(KEY)).toMatchObject({ status: 'processing', eTag: 'etag-2' });
  });

  it('ignores an outcome whose upload is deleted, and one whose object is gone', async () => {
    const { catalog, s3, deliver } = setup();
    s3(undefined, { eTag: 'o-1', body: document('etag-1', '0A') });
    await deliver(deleted('0B'));

    const kept = await deliver(outcomeEvent('1A', 'o-1'));
    s3(undefined);
    const gone = await deliver(outcomeEvent('1A', 'o-1'));

    expect(kept).toMatchObject({ result: 'ignored', reason: 'stale-or-duplicate' });
    expect(gone).toMatchObject({ result: 'ignored', reason: 'object-vanished' });
    expect(catalog.items.get(KEY)?.status).toBe('deleted');
  });

  it('ignores the outcome of a key too long for the catalog index, writing nothing', async () => {
    // Prepare: an outcome of uploads/p1/<990 x a>.jpg (1000 bytes; `<time>#<key>` would be
    // 1025), e.g. written before the thumbnailer skipped such keys, and its upload still there.
    const { catalog, inspector, outcomes, deliver } = setup();
    const key = `uploads/p1/${'a'.repeat(990)}.jpg`;
    const body = {
      ...document('etag-1', '0A'),
      source: { ...document('etag-1', '0A').source, key },
    };
    inspector.objects.set(key, {
      size: 5,
      eTag: 'etag-1',
      metadata: {},
      lastModified: '2026-03-14T10:00:00.000Z',
    });
    outcomes.objects.set(OUTCOME_KEY, { eTag: 'o-1', text: JSON.stringify(body) });

    // Act
    const result = await deliver(outcomeEvent('1A', 'o-1'));

    // Assess
    expect(result).toEqual({ result: 'ignored', key: OUTCOME_KEY, reason: 'not-product-media' });
    expect(inspector.heads).toBe(0);
    expect(catalog.writes).toBe(0);
  });

  it('ignores an event for an older write of the outcome object', async () => {
    const { s3, deliver } = setup();
    s3('etag-1', { eTag: 'o-newer', body: document('etag-1', '0A') });

    const result = await deliver(outcomeEvent('1A', 'o-older'));

    expect(result).toMatchObject({ result: 'ignored', reason: 'superseded' });
  });

  it('lets a failed outcome be replaced by the retry that succeeded, not the other way', async () => {
    // Prepare
    const { catalog, s3, deliver } = setup();
    s3('etag-1', { eTag: 'o-1', body: document('etag-1', '0A', 'failed') });
    await deliver(created('0A', 'etag-1'));
    await deliver(outcomeEvent('1A', 'o-1'));
    s3('etag-1', { eTag: 'o-2', body: document('etag-1', '0A') });

    // Act
    await deliver(outcomeEvent('1B', 'o-2'));
    const duplicate = await deliver(outcomeEvent('1B', 'o-2'));

    // Assess
    expect(duplicate).toMatchObject({ result: 'ignored', reason: 'stale-or-duplicate' });
    expect(catalog.items.get(KEY)).toMatchObject({ status: 'ready', thumbnails: thumbs('etag-1') });
    expect(catalog.items.get(KEY)).not.toHaveProperty('reason');
  });

  it.each([
    [
      'another version',
      '{"version":2}',
      'outcome object is invalid: version Invalid input: expected 1',
    ],
    ['not JSON', '{"version":', 'outcome object is not JSON'],
    [
      'no upload sequencer',
      JSON.stringify({
        ...document('etag-1', '0A'),
        source: { ...document('etag-1', '0A').source, sequencer: '' },
      }),
      'outcome object is invalid: source.sequencer an outcome without the upload sequencer cannot be ordered',
    ],
  ])(
    'fails an outcome document of %s, so it reaches the dead-letter queue',
    async (_case, text, reason) => {
      const { outcomes, deliver } = setup();
      outcomes.objects.set(OUTCOME_KEY, { eTag: 'o-1', text });

      const failure = deliver(outcomeEvent('1A', 'o-1'));

      await expect(failure).rejects.toBeInstanceOf(MalformedEventError);
      await expect(failure).rejects.toThrow(reason);
    },
  );
});

// The state of the last operation wins, whatever order IndexQueue delivers the events in.
// Timeline on one key: upload v1 -> the thumbnailer's outcome for v1 (written before the next
// operation, or racing it) -> overwrite with v2 (then its outcome) or delete (the thumbnailer
// then removes the outcome object). Events are delivered at random moments of that timeline,
// some twice; each delivery sees S3 as it is at that moment.
type Step = 'putV1' | 'outcome1' | 'putV2' | 'outcome2' | 'delete' | 'removeOutcome';

const timelines = fc
  .record({ overwrite: fc.boolean(), outcome1Late: fc.boolean(), bad2: fc.boolean() })
  .map(({ overwrite, outcome1Late, bad2 }) => {
    const second: Step[] = overwrite ? ['putV2', 'outcome2'] : ['delete', 'removeOutcome'];
    const steps: Step[] = outcome1Late
      ? ['putV1', second[0] as Step, 'outcome1', second[1] as Step]
      : ['putV1', 'outcome1', ...second];
    return { steps, overwrite, bad2 };
  });

describe('catalog state under any delivery order', () => {
  it('ends in the state of the last operation (overwrite or delete while processing)', async () => {
    await fc.assert(
      fc.asyncProperty(
        timelines,
        fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
        async ({ steps, overwrite, bad2 }, choices) => {
          // Prepare
          const { catalog, s3, deliver } = setup();
          const state: { upload?: string; outcome?: { eTag: string; body: unknown } } = {};
          const pending: IndexChange[] = [];
          const apply: Record<Step, () => void> = {
            putV1: () => {
              state.upload = 'etag-1';
              pending.push(created('0A', 'etag-1'));
            },
            outcome1: () => {
              state.outcome = { eTag: 'o-1', body: document('etag-1', '0A') };
              pending.push(outcomeEvent('1A', 'o-1'));
            },
            putV2: () => {
              state.upload = 'etag-2';
              pending.push(created('0B', 'etag-2'));
            },
            outcome2: () => {
              state.outcome = {
                eTag: 'o-2',
                body: document('etag-2', '0B', bad2 ? 'skipped' : 'generated'),
              };
              pending.push(outcomeEvent('1B', 'o-2'));
            },
            delete: () => {
              delete state.upload;
              pending.push(deleted('0B'));
            },
            removeOutcome: () => {
              delete state.outcome;
            },
          };
          const sync = () => s3(state.upload, state.outcome);

          // Act: each choice either advances the timeline or delivers a pending event.
          let next = 0;
          for (const choice of choices) {
            if (next < steps.length && (choice % 3 === 0 || pending.length === 0)) {
              apply[steps[next] as Step]();
              next += 1;
            } else if (pending.length > 0) {
              const index = choice % pending.length;
              const event = pending[index] as IndexChange;
              // A delivery may be repeated later (at-least-once): keep it with probability 1/2.
              if (choice % 2 === 0) pending.splice(index, 1);
              sync();
              await deliver(event);
            }
          }
          while (next < steps.length) apply[steps[next++] as Step]();
          sync();
          for (const event of [...pending].reverse()) await deliver(event);

          // Assess
          const item = catalog.items.get(KEY);
          if (!overwrite) {
            expect(item?.status).toBe('deleted');
          } else if (bad2) {
            expect(item).toMatchObject({ status: 'skipped', eTag: 'etag-2', thumbnails: [] });
          } else {
            expect(item).toMatchObject({
              status: 'ready',
              eTag: 'etag-2',
              thumbnails: thumbs('etag-2'),
            });
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
