import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ensureBucket } from '@shop/local-cloud';
import { uniqueName, useBackends } from '@shop/local-cloud/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3MediaStore } from '../../src/adapters/S3MediaStore.js';
import { SourceChangedError } from '../../src/domain/errors.js';
import { defined } from '../support/defined.js';

const { clients } = useBackends();
const s3 = clients.s3;
const UPLOADS = uniqueName('store-uploads');
const THUMBS = uniqueName('store-thumbs');
const store = new S3MediaStore(s3, { thumbnailsBucket: THUMBS, cacheControl: 'max-age=60' });

beforeAll(async () => {
  await ensureBucket(clients, UPLOADS);
  await ensureBucket(clients, THUMBS);
});
afterAll(() => clients.destroy());

describe('S3MediaStore', () => {
  it('reports size and unquoted ETag with HEAD, and undefined for a missing key', async () => {
    // Prepare
    const put = await s3.send(
      new PutObjectCommand({ Bucket: UPLOADS, Key: 'uploads/p/x.bin', Body: 'twelve bytes' }),
    );

    // Act
    const head = await store.head(UPLOADS, 'uploads/p/x.bin');
    const missing = await store.head(UPLOADS, 'uploads/p/nothing.bin');

    // Assess
    expect(head).toEqual({ etag: put.ETag?.replace(/"/g, ''), size: 12 });
    expect(missing).toBeUndefined();
  });

  it('refuses to read an object whose ETag changed since the HEAD', async () => {
    // Prepare
    await s3.send(new PutObjectCommand({ Bucket: UPLOADS, Key: 'uploads/p/y.bin', Body: 'v1' }));
    const first = await store.head(UPLOADS, 'uploads/p/y.bin');
    await s3.send(new PutObjectCommand({ Bucket: UPLOADS, Key: 'uploads/p/y.bin', Body: 'v2' }));

    // Act
    const stale = store.read(UPLOADS, 'uploads/p/y.bin', defined(first).etag);

    // Assess
    await expect(stale).rejects.toBeInstanceOf(SourceChangedError);
    const current = await store.head(UPLOADS, 'uploads/p/y.bin');
    const bytes = await store.read(UPLOADS, 'uploads/p/y.bin', defined(current).etag);
    expect(new TextDecoder().decode(bytes)).toBe('v2');
  });

  it('writes thumbnails with their metadata and tells that they exist', async () => {
    // Prepare
    const thumbnail = {
      key: 'p/z.jpg/128.webp',
      width: 128,
      height: 96,
      body: new Uint8Array([1, 2]),
    };

    // Act
    const before = await store.exists(thumbnail.key);
    await store.put(thumbnail, 'abc123');

    // Assess
    expect(before).toBe(false);
    expect(await store.exists(thumbnail.key)).toBe(true);
    const head = await s3.send(new HeadObjectCommand({ Bucket: THUMBS, Key: thumbnail.key }));
    expect(head).toMatchObject({
      ContentType: 'image/webp',
      CacheControl: 'max-age=60',
      Metadata: { 'source-etag': 'abc123', width: '128', height: '96' },
    });
  });

  it('deletes the given keys, missing ones included, without error', async () => {
    // Prepare
    const thumbnail = { key: 'p/d.jpg/128.webp', width: 1, height: 1, body: new Uint8Array([1]) };
    await store.put(thumbnail, 'e');

    // Act
    await store.delete([thumbnail.key, 'p/d.jpg/512.webp']);

    // Assess
    expect(await store.exists(thumbnail.key)).toBe(false);
  });

  it('writes an outcome as JSON and reads it back; a missing or foreign one reads as none', async () => {
    // Prepare
    const outcome = {
      version: 1 as const,
      status: 'skipped' as const,
      reason: 'empty',
      source: { bucket: UPLOADS, key: 'uploads/p/o.jpg', eTag: 'e', size: 0, sequencer: '0A' },
      thumbnails: [],
      writtenAt: '2026-03-14T09:27:00.000Z',
    };
    await s3.send(new PutObjectCommand({ Bucket: THUMBS, Key: 'p/f.jpg/outcome.json', Body: '{' }));

    // Act
    const missing = await store.readOutcome('p/o.jpg/outcome.json');
    await store.writeOutcome('p/o.jpg/outcome.json', outcome);

    // Assess
    expect(missing).toBeUndefined();
    expect(await store.readOutcome('p/o.jpg/outcome.json')).toEqual(outcome);
    expect(await store.readOutcome('p/f.jpg/outcome.json')).toBeUndefined();
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: THUMBS, Key: 'p/o.jpg/outcome.json' }),
    );
    expect(head.ContentType).toBe('application/json');
  });
});
