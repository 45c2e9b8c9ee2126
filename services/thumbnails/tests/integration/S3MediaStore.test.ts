import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ensureBucket } from '@shop/local-cloud';
import { uniqueName, useBackends } from '@shop/local-cloud/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3MediaStore } from '../../src/adapters/S3MediaStore.js';
import { mediaStoreContract } from '../support/mediaStoreContract.js';

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

// The same contract the in-memory fakes pass (tests/unit/fakes.test.ts).
mediaStoreContract('S3MediaStore', () => ({
  sources: store,
  thumbnails: store,
  uploadsBucket: UPLOADS,
  putSource: async (key, body) => {
    const put = await s3.send(new PutObjectCommand({ Bucket: UPLOADS, Key: key, Body: body }));
    return (put.ETag ?? '').replace(/"/g, '');
  },
}));

describe('S3MediaStore', () => {
  it('writes thumbnails as WebP with cache control, source ETag and size metadata', async () => {
    // Prepare
    const thumbnail = {
      key: 'p/m.jpg/128.webp',
      width: 128,
      height: 96,
      body: new Uint8Array([1, 2]),
    };

    // Act
    await store.put(thumbnail, 'abc123');

    // Assess
    const head = await s3.send(new HeadObjectCommand({ Bucket: THUMBS, Key: thumbnail.key }));
    expect(head).toMatchObject({
      ContentType: 'image/webp',
      CacheControl: 'max-age=60',
      Metadata: { 'source-etag': 'abc123', width: '128', height: '96' },
    });
  });

  it('writes an outcome as JSON; an object there that is not an outcome reads as none, with its ETag', async () => {
    // Prepare
    const outcome = {
      version: 1 as const,
      status: 'skipped' as const,
      reason: 'empty',
      source: { bucket: UPLOADS, key: 'uploads/p/j.jpg', eTag: 'e', size: 0, sequencer: '0A' },
      thumbnails: [],
      writtenAt: '2026-03-14T09:27:00.000Z',
    };
    await s3.send(new PutObjectCommand({ Bucket: THUMBS, Key: 'p/f.jpg/outcome.json', Body: '{' }));

    // Act
    await store.writeOutcome('p/j.jpg/outcome.json', outcome, undefined);

    // Assess
    expect((await store.readOutcome('p/j.jpg/outcome.json'))?.outcome).toEqual(outcome);
    expect(await store.readOutcome('p/f.jpg/outcome.json')).toEqual({
      outcome: undefined,
      etag: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: THUMBS, Key: 'p/j.jpg/outcome.json' }),
    );
    expect(head).toMatchObject({ ContentType: 'application/json', CacheControl: 'no-cache' });
  });
});
