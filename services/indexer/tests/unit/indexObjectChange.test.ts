import { describe, expect, it } from 'vitest';
import { indexObjectChange } from '../../src/domain/indexObjectChange.js';
import { normaliseSequencer } from '../../src/domain/sequencer.js';
import type { ObjectChange } from '../../src/domain/types.js';
import { FakeCatalog, FakeInspector, objectSnapshot } from '../support/fakes.js';

const KEY = 'uploads/prod-1/front view.jpg';
const change = (kind: ObjectChange['kind'], sequencer: string, extra: Partial<ObjectChange> = {}) =>
  ({
    kind,
    eventId: `event-${sequencer}`,
    bucket: 'uploads',
    key: KEY,
    sequencer: normaliseSequencer(sequencer),
    ...(kind === 'created' ? { eTag: 'etag-1' } : {}),
    eventTime: '2026-03-14T10:00:00Z',
    ...extra,
  }) satisfies ObjectChange;

const setup = () => {
  const catalog = new FakeCatalog();
  const inspector = new FakeInspector();
  inspector.objects.set(KEY, objectSnapshot());
  const deps = {
    catalog,
    inspector,
    settings: { thumbnailsBucket: 'thumbs' },
    now: () => new Date('2026-03-14T10:00:01.000Z'),
  };
  return { catalog, inspector, deps };
};

describe('indexObjectChange', () => {
  it('indexes a created object with what the HEAD reports', async () => {
    // Prepare
    const { catalog, deps } = setup();

    // Act
    const outcome = await indexObjectChange(change('created', '0A'), deps);

    // Assess
    expect(outcome).toEqual({ result: 'indexed', key: KEY, productId: 'prod-1' });
    expect(catalog.items.get(KEY)).toMatchObject({
      status: 'processing',
      contentType: 'image/jpeg',
      metadata: { alt: 'front' },
      thumbnails: [],
      thumbnailsBucket: 'thumbs',
    });
  });

  it('marks a deleted object with a tombstone', async () => {
    const { catalog, deps } = setup();
    await indexObjectChange(change('created', '0A'), deps);

    const outcome = await indexObjectChange(change('deleted', '0B'), deps);

    expect(outcome).toEqual({ result: 'deleted', key: KEY, productId: 'prod-1' });
    expect(catalog.items.get(KEY)).toMatchObject({
      status: 'deleted',
      deletedAt: '2026-03-14T10:00:00Z',
    });
  });

  it('keeps an object deleted when its older create arrives after the delete', async () => {
    // Prepare
    const { catalog, deps } = setup();
    await indexObjectChange(change('deleted', '0B'), deps);

    // Act
    const outcome = await indexObjectChange(change('created', '0A'), deps);

    // Assess
    expect(outcome).toEqual({ result: 'ignored', key: KEY, reason: 'stale-or-duplicate' });
    expect(catalog.items.get(KEY)?.status).toBe('deleted');
  });

  it('changes nothing for a duplicate delivery', async () => {
    const { catalog, deps } = setup();
    await indexObjectChange(change('created', '0A'), deps);
    const before = structuredClone(catalog.items.get(KEY));

    const outcome = await indexObjectChange(change('created', '0A'), deps);

    expect(outcome).toMatchObject({ result: 'ignored', reason: 'stale-or-duplicate' });
    expect(catalog.items.get(KEY)).toEqual(before);
    expect(catalog.writes).toBe(1);
  });

  it('indexes a re-upload that follows a delete', async () => {
    const { catalog, deps } = setup();
    await indexObjectChange(change('deleted', '0B'), deps);

    const outcome = await indexObjectChange(change('created', '0C'), deps);

    expect(outcome.result).toBe('indexed');
    expect(catalog.items.get(KEY)?.status).toBe('processing');
  });

  it('acknowledges a created object that vanished before the HEAD, writing nothing', async () => {
    // Prepare
    const { catalog, inspector, deps } = setup();
    inspector.objects.clear();

    // Act
    const outcome = await indexObjectChange(change('created', '0A'), deps);

    // Assess
    expect(outcome).toEqual({ result: 'ignored', key: KEY, reason: 'object-vanished' });
    expect(catalog.writes).toBe(0);
  });

  it('leaves an overwritten object to its newer event', async () => {
    const { catalog, deps } = setup();

    const outcome = await indexObjectChange(
      change('created', '0A', { eTag: 'etag-of-an-older-version' }),
      deps,
    );

    expect(outcome).toMatchObject({ result: 'ignored', reason: 'superseded' });
    expect(catalog.writes).toBe(0);
  });

  it('ignores keys outside uploads/<productId>/<name> without touching S3', async () => {
    const { catalog, inspector, deps } = setup();

    const outcome = await indexObjectChange(
      change('created', '0A', { key: 'uploads/no-name' }),
      deps,
    );

    expect(outcome).toEqual({
      result: 'ignored',
      key: 'uploads/no-name',
      reason: 'not-product-media',
    });
    expect(inspector.heads).toBe(0);
    expect(catalog.writes).toBe(0);
  });

  // `<24-byte time>#<key>` is the byProduct sort key: a key this long (1000 bytes) would make it
  // 1025 bytes, which DynamoDB refuses on every retry. The thumbnailer skips it too.
  it.each(['created', 'deleted'] as const)(
    'ignores a %s key too long for the catalog index (uploads/p1/<990 x a>.jpg)',
    async (kind) => {
      // Prepare
      const { catalog, inspector, deps } = setup();
      const key = `uploads/p1/${'a'.repeat(990)}.jpg`;
      inspector.objects.set(key, objectSnapshot());

      // Act
      const outcome = await indexObjectChange(change(kind, '0A', { key }), deps);

      // Assess
      expect(outcome).toEqual({ result: 'ignored', key, reason: 'not-product-media' });
      expect(inspector.heads).toBe(0);
      expect(catalog.writes).toBe(0);
    },
  );
});
