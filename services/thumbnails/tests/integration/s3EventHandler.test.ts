import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { ensureBucket } from '@shop/local-cloud';
import { uniqueName, useBackends, useFaults } from '@shop/local-cloud/testing';
import { captureOutput } from '@shop/testing/capturedOutput';
import { lambdaContext } from '@shop/testing/lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { handler as Handler } from '../../src/handlers/s3Event.js';
import { defined } from '../support/defined.js';
import {
  corruptJpeg,
  inspect,
  jpeg,
  jpegWithOrientationAndGps,
  pngBombHeader,
  pngWithAlpha,
  textFile,
} from '../support/fixtures.js';
import { s3Event } from '../support/s3Events.js';
import { sampleEvent } from '../support/sampleEvents.js';

// End to end against the S3 backend (fauxqs embedded, or moto with AWS_ENDPOINT_URL): real
// objects in, the real handler module (its wiring: config from the environment, its own
// client, sharp loaded with the first image), real thumbnails out.

const { clients } = useBackends();
const faults = useFaults();
const s3 = clients.s3;
const UPLOADS = uniqueName('uploads');
const THUMBS = uniqueName('thumbs');
const context = () => lambdaContext({ functionName: 'shop-ThumbnailsFunction', timeoutMs: 60_000 });
let handler: typeof Handler;
let output: ReturnType<typeof captureOutput>;

/** Put an upload; its ETag (unquoted), which S3's event for it carries. */
const upload = async (key: string, body: Uint8Array, storageClass?: StorageClass) => {
  const put = await s3.send(
    new PutObjectCommand({ Bucket: UPLOADS, Key: key, Body: body, StorageClass: storageClass }),
  );
  return (put.ETag ?? '').replace(/"/g, '');
};
/** S3's ObjectCreated event for the upload of `key` that got ETag `eTag`. */
const created = (key: string, eTag: string) =>
  handler(s3Event({ bucket: UPLOADS, key, eTag }), context());
const removed = (key: string) =>
  handler(s3Event({ bucket: UPLOADS, key, eventName: 'ObjectRemoved:Delete' }), context());
const headThumb = (key: string) => s3.send(new HeadObjectCommand({ Bucket: THUMBS, Key: key }));
const getThumb = async (key: string) => {
  const object = await s3.send(new GetObjectCommand({ Bucket: THUMBS, Key: key }));
  return { object, bytes: await defined(object.Body).transformToByteArray() };
};
/** Every key under `prefix` in the thumbnails bucket: thumbnails and outcomes. */
const thumbKeys = async (prefix: string) => {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: THUMBS, Prefix: prefix }));
  return (listed.Contents ?? []).map((item) => item.Key).sort();
};
const outcomeOf = async (prefix: string) =>
  JSON.parse(new TextDecoder().decode((await getThumb(`${prefix}outcome.json`)).bytes));
const skipReasons = () =>
  output
    .logs()
    .filter((line) => line.message === 'thumbnails skipped')
    .map((line) => [line.key, line.reason]);

beforeAll(async () => {
  await ensureBucket(clients, UPLOADS);
  await ensureBucket(clients, THUMBS);
  vi.stubEnv('THUMBNAILS_BUCKET', THUMBS);
  vi.stubEnv('CACHE_CONTROL', 'public, max-age=3600');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO'); // the skip lines of routine reasons are INFO
  ({ handler } = await import('../../src/handlers/s3Event.js'));
});
afterAll(() => clients.destroy());
beforeEach(() => {
  output = captureOutput();
});
afterEach(async () => {
  output.restore();
  await faults.clear();
});

describe('s3Event handler against S3', () => {
  it('makes WebP thumbnails for a key with spaces, a plus and unicode', async () => {
    // Prepare
    const key = 'uploads/p-0/summer sale +1 café 商品.jpg';
    const etag = await upload(key, await jpegWithOrientationAndGps());

    // Act
    await created(key, etag);

    // Assess
    const expected = [128, 512, 1024].map(
      (width) => `p-0/summer sale +1 café 商品.jpg/${width}.webp`,
    );
    expect(await thumbKeys('p-0/')).toEqual(
      [...expected, 'p-0/summer sale +1 café 商品.jpg/outcome.json'].sort(),
    );
    const outcome = await outcomeOf('p-0/summer sale +1 café 商品.jpg/');
    expect(outcome).toMatchObject({ status: 'generated', source: { key, eTag: etag } });
    expect(outcome.thumbnails.map((t: { key: string }) => t.key)).toEqual([...expected].reverse());
    const sizes: Record<string, [number?, number?]> = {};
    for (const thumbKey of expected) {
      const { object, bytes } = await getThumb(thumbKey);
      expect(object.ContentType).toBe('image/webp');
      expect(object.CacheControl).toBe('public, max-age=3600');
      expect(object.Metadata?.['source-etag']).toBe(etag);
      const image = await inspect(bytes);
      expect(image).toMatchObject({ format: 'webp', exif: undefined, orientation: undefined });
      sizes[defined(thumbKey.split('/').pop())] = [image.width, image.height];
    }
    // 400x200 with orientation 6 displays 200x400: rotated, never enlarged.
    expect(sizes).toEqual({
      '1024.webp': [200, 400],
      '512.webp': [200, 400],
      '128.webp': [64, 128],
    });
  });

  it('does not rewrite thumbnails for a repeated event of an unchanged object', async () => {
    // Prepare
    const key = 'uploads/p-2/alpha.png';
    const etag = await upload(key, await pngWithAlpha());
    await created(key, etag);
    const before = await headThumb('p-2/alpha.png/128.webp');
    // LastModified has 1 s resolution: wait until a rewrite would carry a later one.
    const rewriteWouldShowAt = (before.LastModified?.getTime() ?? 0) + 1_000;
    await vi.waitFor(() => expect(Date.now()).toBeGreaterThanOrEqual(rewriteWouldShowAt), {
      timeout: 5_000,
      interval: 50,
    });

    // Act
    await created(key, etag);

    // Assess
    const after = await headThumb('p-2/alpha.png/128.webp');
    expect(after.LastModified?.getTime()).toBe(before.LastModified?.getTime());
    expect(skipReasons()).toEqual([[key, 'unchanged']]);
  });

  it('regenerates the thumbnails when the object is overwritten, from its own event only', async () => {
    // Prepare
    const key = 'uploads/p-3/hero.jpg';
    const oldEtag = await upload(key, await jpeg(800, 400));
    const newEtag = await upload(key, await jpeg(300, 600));

    // Act: the first upload's event arrives after the overwrite, then the overwrite's.
    await created(key, oldEtag);
    const afterOld = await thumbKeys('p-3/');
    await created(key, newEtag);

    // Assess
    expect(afterOld).toEqual([]);
    const { object, bytes } = await getThumb('p-3/hero.jpg/1024.webp');
    expect(object.Metadata?.['source-etag']).toBe(newEtag);
    expect(await inspect(bytes)).toMatchObject({ width: 300, height: 600 });
    expect(skipReasons()).toEqual([[key, 'superseded']]);
    expect(await outcomeOf('p-3/hero.jpg/')).toMatchObject({ source: { eTag: newEtag } });
  });

  it('deletes exactly the thumbnails of a removed object', async () => {
    // Prepare
    const photo = await jpeg(640, 480);
    const etag = await upload('uploads/p-4/a b.jpg', photo);
    const nestedEtag = await upload('uploads/p-4/a b.jpg/nested.jpg', photo);
    await created('uploads/p-4/a b.jpg', etag);
    await created('uploads/p-4/a b.jpg/nested.jpg', nestedEtag);
    await s3.send(new DeleteObjectCommand({ Bucket: UPLOADS, Key: 'uploads/p-4/a b.jpg' }));

    // Act
    await removed('uploads/p-4/a b.jpg');

    // Assess
    expect(await thumbKeys('p-4/')).toEqual([
      'p-4/a b.jpg/nested.jpg/1024.webp',
      'p-4/a b.jpg/nested.jpg/128.webp',
      'p-4/a b.jpg/nested.jpg/512.webp',
      'p-4/a b.jpg/nested.jpg/outcome.json',
    ]);
  });

  it('skips bad uploads with a reason each and still processes the good one', async () => {
    // Prepare
    const bad: Record<string, Uint8Array> = {
      'uploads/p-5/notes.jpg': textFile(),
      'uploads/p-5/empty.jpg': new Uint8Array(0),
      'uploads/p-5/broken.jpg': corruptJpeg(),
      'uploads/p-5/bomb.png': pngBombHeader(),
    };
    const uploads = { ...bad, 'uploads/p-5/good.jpg': await jpeg(1200, 900) };
    const records = [];
    for (const [key, body] of Object.entries(uploads)) {
      records.push({ bucket: UPLOADS, key, eTag: await upload(key, body) });
    }
    const event = s3Event(...records);

    // Act
    await handler(event, context());

    // Assess
    expect(skipReasons()).toEqual([
      ['uploads/p-5/notes.jpg', 'not-an-image'],
      ['uploads/p-5/empty.jpg', 'empty'],
      ['uploads/p-5/broken.jpg', 'corrupt'],
      ['uploads/p-5/bomb.png', 'too-many-pixels'],
    ]);
    expect(await thumbKeys('p-5/')).toEqual([
      'p-5/bomb.png/outcome.json',
      'p-5/broken.jpg/outcome.json',
      'p-5/empty.jpg/outcome.json',
      'p-5/good.jpg/1024.webp',
      'p-5/good.jpg/128.webp',
      'p-5/good.jpg/512.webp',
      'p-5/good.jpg/outcome.json',
      'p-5/notes.jpg/outcome.json',
    ]);
    for (const [name, reason] of [
      ['notes.jpg', 'not-an-image'],
      ['empty.jpg', 'empty'],
      ['broken.jpg', 'corrupt'],
      ['bomb.png', 'too-many-pixels'],
    ]) {
      expect(await outcomeOf(`p-5/${name}/`)).toMatchObject({
        status: 'skipped',
        reason,
        thumbnails: [],
      });
    }
  });

  it('skips an upload stored in GLACIER without reading it, with a skipped outcome', async (ctx) => {
    // Prepare
    const key = 'uploads/p-6/cold.jpg';
    const etag = await upload(key, await jpeg(640, 480), 'GLACIER');
    const stored = await s3.send(new HeadObjectCommand({ Bucket: UPLOADS, Key: key }));
    // fauxqs (the embedded backend) keeps no storage class: every object is STANDARD there.
    // moto keeps it (and refuses the GET with InvalidObjectState, as S3 does).
    if (stored.StorageClass !== 'GLACIER') ctx.skip();
    // Counts the GETs of the upload (a rule needs an effect: 1 ms changes nothing).
    const gets = await faults.add({ service: 's3', operation: 'GetObject', path: key, delayMs: 1 });

    // Act
    await created(key, etag);

    // Assess
    expect(skipReasons()).toEqual([[key, 'source-unreadable']]);
    expect(await thumbKeys('p-6/')).toEqual(['p-6/cold.jpg/outcome.json']);
    expect(await outcomeOf('p-6/cold.jpg/')).toMatchObject({
      status: 'skipped',
      reason: 'source-unreadable',
      detail: expect.stringContaining('archived (storage class GLACIER)'),
      source: { key, eTag: etag },
      thumbnails: [],
    });
    expect((await faults.stats(gets)).matched).toBe(0);
  });

  it('skips an upload whose HEAD S3 refuses with 400, as it does for SSE-C, found by listing', async () => {
    // Prepare: S3 answers the HEAD of an SSE-C object without its key with 400.
    const key = 'uploads/p-7/customer-key.jpg';
    const etag = await upload(key, await jpeg(640, 480));
    await faults.add({
      service: 's3',
      operation: 'HeadObject',
      path: encodeURI(key),
      error: { status: 400, code: 'BadRequest' },
    });

    // Act
    await created(key, etag);

    // Assess
    expect(skipReasons()).toEqual([[key, 'source-unreadable']]);
    expect(await outcomeOf('p-7/customer-key.jpg/')).toMatchObject({
      status: 'skipped',
      reason: 'source-unreadable',
      detail: expect.stringContaining('customer-provided key (SSE-C'),
      source: { key, eTag: etag, size: expect.any(Number) },
      thumbnails: [],
    });
  });

  it('skips an upload whose GET S3 refuses with InvalidObjectState (archived since the HEAD)', async () => {
    // Prepare
    const key = 'uploads/p-8/archived.jpg';
    const etag = await upload(key, await jpeg(640, 480));
    await faults.add({
      service: 's3',
      operation: 'GetObject',
      path: encodeURI(key),
      error: {
        status: 403,
        code: 'InvalidObjectState',
        message: 'not valid for its storage class',
      },
    });

    // Act
    await created(key, etag);

    // Assess
    expect(skipReasons()).toEqual([[key, 'source-unreadable']]);
    expect(await thumbKeys('p-8/')).toEqual(['p-8/archived.jpg/outcome.json']);
    expect(await outcomeOf('p-8/archived.jpg/')).toMatchObject({
      status: 'skipped',
      reason: 'source-unreadable',
      detail: expect.stringContaining('InvalidObjectState'),
    });
  });

  it('handles the sample events of events/thumbnails end to end', async () => {
    // Prepare
    const key = 'uploads/p-1/summer sale +1 café 商品.jpg';
    await upload(key, await jpeg(1600, 1200));

    // Act
    await handler(sampleEvent('put-unicode-key.json', UPLOADS), context());
    const afterPut = await thumbKeys('p-1/summer sale +1 café 商品.jpg/');
    await s3.send(new DeleteObjectCommand({ Bucket: UPLOADS, Key: key }));
    await handler(sampleEvent('delete.json', UPLOADS), context());

    // Assess
    expect(afterPut).toHaveLength(4);
    expect(await thumbKeys('p-1/summer sale +1 café 商品.jpg/')).toEqual([]);
  });
});
