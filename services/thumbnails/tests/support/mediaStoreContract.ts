import { describe, expect, it } from 'vitest';
import { SourceChangedError } from '../../src/domain/errors.js';
import type { SourceStore, ThumbnailStore } from '../../src/domain/ports.js';
import type { ThumbnailOutcome } from '../../src/domain/ThumbnailOutcome.js';
import { defined } from './defined.js';

/** A store under test and how to put a source object into its uploads bucket. */
export interface MediaStoreHarness {
  sources: SourceStore;
  thumbnails: ThumbnailStore;
  uploadsBucket: string;
  /** Store `body` at `key` in the uploads bucket; the ETag (unquoted) it got. */
  putSource(key: string, body: Uint8Array): Promise<string>;
}

const bytes = (text: string) => new TextEncoder().encode(text);

/** A `skipped` outcome of `uploads/<name>`, with these fields changed. */
const skippedOutcome = (
  uploadsBucket: string,
  name: string,
  fields: { reason: string; eTag?: string; size?: number; writtenAt?: string },
): ThumbnailOutcome => ({
  version: 1,
  status: 'skipped',
  reason: fields.reason,
  source: {
    bucket: uploadsBucket,
    key: `uploads/${name}`,
    eTag: fields.eTag ?? 'e',
    size: fields.size ?? 9,
  },
  thumbnails: [],
  writtenAt: fields.writtenAt ?? '2026-03-14T09:27:00.000Z',
});

/**
 * What the use cases rely on from SourceStore and ThumbnailStore, one test body for every
 * implementation: the in-memory fakes (unit) and S3MediaStore against S3 (integration), so the
 * fakes the use-case tests run on behave like the real adapter.
 *
 * @example
 * mediaStoreContract('S3MediaStore', () => ({ sources: store, thumbnails: store, ... }));
 */
export const mediaStoreContract = (name: string, harness: () => MediaStoreHarness) =>
  describe(`${name} (media store contract)`, () => {
    it('reports size and unquoted ETag with HEAD, and undefined for a missing key', async () => {
      // Prepare
      const { sources, uploadsBucket, putSource } = harness();
      const etag = await putSource('uploads/p/x.bin', bytes('twelve bytes'));

      // Act
      const head = await sources.head(uploadsBucket, 'uploads/p/x.bin');
      const missing = await sources.head(uploadsBucket, 'uploads/p/nothing.bin');

      // Assess
      // S3 may add what it knows besides (SSE-S3 encryption, say).
      expect(head).toMatchObject({ etag, size: 12 });
      expect(etag).not.toContain('"');
      expect(missing).toBeUndefined();
    });

    it('refuses to read an object whose ETag changed since the HEAD', async () => {
      // Prepare
      const { sources, uploadsBucket, putSource } = harness();
      await putSource('uploads/p/y.bin', bytes('v1'));
      const first = await sources.head(uploadsBucket, 'uploads/p/y.bin');
      await putSource('uploads/p/y.bin', bytes('v2'));

      // Act
      const stale = sources.read(uploadsBucket, 'uploads/p/y.bin', defined(first).etag);

      // Assess
      await expect(stale).rejects.toBeInstanceOf(SourceChangedError);
      const current = await sources.head(uploadsBucket, 'uploads/p/y.bin');
      const read = await sources.read(uploadsBucket, 'uploads/p/y.bin', defined(current).etag);
      expect(new TextDecoder().decode(read)).toBe('v2');
    });

    it('tells that a written thumbnail exists, and which source version it was made from', async () => {
      // Prepare
      const { thumbnails } = harness();
      const thumbnail = { key: 'p/z.jpg/128.webp', width: 128, height: 96, body: bytes('w') };

      // Act
      const before = await thumbnails.exists(thumbnail.key);
      const sourceBefore = await thumbnails.sourceEtagOf(thumbnail.key);
      await thumbnails.put(thumbnail, 'abc123');
      await thumbnails.put({ ...thumbnail, key: 'p/z.jpg/64.webp' }, 'def456');

      // Assess
      expect(before).toBe(false);
      expect(sourceBefore).toBeUndefined();
      expect(await thumbnails.exists(thumbnail.key)).toBe(true);
      expect(await thumbnails.sourceEtagOf(thumbnail.key)).toBe('abc123');
      expect(await thumbnails.sourceEtagOf('p/z.jpg/64.webp')).toBe('def456');
    });

    it('deletes the given keys, missing ones included, without error', async () => {
      // Prepare
      const { thumbnails } = harness();
      const thumbnail = { key: 'p/d.jpg/128.webp', width: 1, height: 1, body: bytes('w') };
      await thumbnails.put(thumbnail, 'e');

      // Act
      await thumbnails.delete([thumbnail.key, 'p/d.jpg/512.webp']);
      await thumbnails.delete([]);

      // Assess
      expect(await thumbnails.exists(thumbnail.key)).toBe(false);
    });

    it('reads back the outcome it wrote; a missing one reads as none', async () => {
      // Prepare
      const { thumbnails, uploadsBucket } = harness();
      const outcome: ThumbnailOutcome = {
        version: 1,
        status: 'generated',
        source: { bucket: uploadsBucket, key: 'uploads/p/o.jpg', eTag: 'e', size: 9 },
        thumbnails: [{ key: 'p/o.jpg/128.webp', width: 128, height: 64, bytes: 3 }],
        writtenAt: '2026-03-14T09:27:00.000Z',
      };

      // Act
      const missing = await thumbnails.readOutcome('p/o.jpg/outcome.json');
      await thumbnails.writeOutcome('p/o.jpg/outcome.json', outcome, undefined);

      // Assess
      expect(missing).toBeUndefined();
      expect(await thumbnails.readOutcome('p/o.jpg/outcome.json')).toEqual({
        outcome,
        etag: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
      expect(await thumbnails.exists('p/o.jpg/outcome.json')).toBe(true);
    });

    it('writes an outcome only over the version that was read, or where there is none', async () => {
      // Prepare
      const { thumbnails, uploadsBucket } = harness();
      const key = 'p/w.jpg/outcome.json';
      const outcome = (eTag: string) =>
        skippedOutcome(uploadsBucket, 'p/w.jpg', { reason: 'empty', eTag, size: 0 });
      const first = await thumbnails.writeOutcome(key, outcome('a'), undefined);

      // Act
      const notOverAnother = await thumbnails.writeOutcome(key, outcome('b'), undefined);
      const overWhatWasRead = await thumbnails.writeOutcome(key, outcome('c'), first);
      const overAnOlderRead = await thumbnails.writeOutcome(key, outcome('d'), first);
      const overAMissingOne = await thumbnails.writeOutcome(
        'p/none.jpg/outcome.json',
        outcome('e'),
        first,
      );

      // Assess
      expect(first).toMatch(/^[0-9a-f]{32}$/);
      expect(notOverAnother).toBeUndefined();
      expect(overWhatWasRead).toMatch(/^[0-9a-f]{32}$/);
      expect(overAnOlderRead).toBeUndefined();
      expect(overAMissingOne).toBeUndefined();
      expect(await thumbnails.readOutcome(key)).toEqual({
        outcome: outcome('c'),
        etag: overWhatWasRead,
      });
      expect(await thumbnails.readOutcome('p/none.jpg/outcome.json')).toBeUndefined();
    });

    it('deletes an outcome only while it is the version that was read', async () => {
      // Prepare
      const { thumbnails, uploadsBucket } = harness();
      const key = 'p/c.jpg/outcome.json';
      const outcome = (writtenAt: string) =>
        skippedOutcome(uploadsBucket, 'p/c.jpg', { reason: 'not-an-image', writtenAt });
      await thumbnails.writeOutcome(key, outcome('2026-03-14T09:27:00.000Z'), undefined);
      const read = await thumbnails.readOutcome(key);
      await thumbnails.writeOutcome(key, outcome('2026-03-14T09:28:00.000Z'), read?.etag);

      // Act
      const stale = await thumbnails.deleteOutcome(key, read?.etag ?? '');
      const kept = await thumbnails.readOutcome(key);
      const current = await thumbnails.deleteOutcome(key, kept?.etag ?? '');
      const again = await thumbnails.deleteOutcome(key, kept?.etag ?? '');

      // Assess
      expect(stale).toBe(false);
      expect(kept?.outcome?.writtenAt).toBe('2026-03-14T09:28:00.000Z');
      expect(current).toBe(true);
      expect(again).toBe(false);
      expect(await thumbnails.readOutcome(key)).toBeUndefined();
    });
  });
