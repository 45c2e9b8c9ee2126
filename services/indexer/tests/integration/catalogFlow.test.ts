import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type LocalCloud,
  type LocalCloudDescriptor,
  memoryLog,
  stackToken,
  startLocalCloud,
} from '@shop/local-cloud/cloud';
import { eventually } from '@shop/local-cloud/testing';
import { SAMPLE_JPEG_LANDSCAPE } from '@shop/testing/images';
import { templatePath } from '@shop/testing/template';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBMediaCatalog } from '../../src/adapters/DynamoDBMediaCatalog.js';
import type { MediaPageBody } from '../../src/app/mediaApiSchemas.js';
import type { MediaItem } from '../../src/domain/MediaItem.js';

// The whole media flow from template.yaml with the built bundles (pnpm build first), on the
// embedded backends or AWS_ENDPOINT_URL: upload -> S3 notification -> ThumbnailsFunction
// (thumbnails, then outcome.json) -> ThumbnailsBucket EventBridge event -> ThumbnailOutcomesRule
// -> IndexQueue -> IndexerFunction -> MediaTable -> GET /products/{productId}/media.

let cloud: LocalCloud;
let described: LocalCloudDescriptor;
let catalog: DynamoDBMediaCatalog;
let token: string;
const productId = `flow-${randomUUID().slice(0, 8)}`;
const uploads = () => described.buckets.UploadsBucket as string;
const thumbs = () => described.buckets.ThumbnailsBucket as string;

beforeAll(async () => {
  const external = process.env.AWS_ENDPOINT_URL;
  cloud = await startLocalCloud({
    templatePath,
    ...(external ? { externalEndpoint: external } : {}),
    parameterOverrides: { BucketNamePrefix: `flow-${randomUUID().slice(0, 12)}` },
    stackName: `catalog-flow-${Date.now().toString(36)}`,
    port: 0,
    log: memoryLog(),
    sqsRetryDelaySeconds: 1,
    sqsWaitTimeSeconds: 1,
    maxBatchingWindowSeconds: 1,
    asyncRetryDelaysMs: [500, 1_000],
  });
  described = cloud.describe();
  catalog = new DynamoDBMediaCatalog(
    DynamoDBDocumentClient.from(cloud.clients.dynamodb),
    described.tables.MediaTable as string,
  );
  token =
    (await stackToken(cloud.model, {
      secret: 'SigningKeySecret',
      subject: 'flow-customer',
      email: 'flow@example.com',
    })) ?? '';
}, 60_000);
afterAll(() => cloud?.stop());

const put = (name: string, body: Uint8Array | string, contentType = 'image/jpeg') =>
  cloud.clients.s3.send(
    new PutObjectCommand({
      Bucket: uploads(),
      Key: `uploads/${productId}/${name}`,
      Body: body,
      ContentType: contentType,
    }),
  );
const remove = (name: string) =>
  cloud.clients.s3.send(
    new DeleteObjectCommand({ Bucket: uploads(), Key: `uploads/${productId}/${name}` }),
  );
const unquote = (eTag: string | undefined) => (eTag ?? '').replaceAll('"', '');

/** Poll the catalog item until `done` holds (deadline 30 s). */
const settled = (name: string, done: (item: MediaItem | undefined) => boolean) =>
  eventually(
    async () => {
      const item = await catalog.get(`uploads/${productId}/${name}`);
      return done(item) ? (item as MediaItem) : undefined;
    },
    `the catalog item of ${name}`,
    30_000,
  );

const listMedia = async (query = '') => {
  const response = await fetch(`${described.apiUrl}/products/${productId}/media${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: (await response.json()) as MediaPageBody };
};

describe('media catalog flow (template, thumbnailer, indexer, API)', () => {
  it('turns a good image ready with the thumbnails that exist', async () => {
    // Act
    const { ETag } = await put('front.jpg', SAMPLE_JPEG_LANDSCAPE);
    const item = await settled('front.jpg', (current) => current?.status === 'ready');

    // Assess: 160x120 in boxes of 1024, 512 and 128, never enlarged.
    expect(item).toMatchObject({ eTag: unquote(ETag), thumbnailsBucket: thumbs() });
    const thumbnails = item.thumbnails;
    expect(thumbnails.map(({ key, width, height }) => [key, width, height])).toEqual([
      [`${productId}/front.jpg/1024.webp`, 160, 120],
      [`${productId}/front.jpg/512.webp`, 160, 120],
      [`${productId}/front.jpg/128.webp`, 128, 96],
    ]);
    for (const thumbnail of thumbnails) {
      const head = await cloud.clients.s3.send(
        new HeadObjectCommand({ Bucket: thumbs(), Key: thumbnail.key }),
      );
      expect(head.ContentLength).toBe(thumbnail.bytes);
    }
  });

  it.each([
    { name: 'empty.jpg', body: new Uint8Array(0), reason: 'empty' },
    { name: 'notes.jpg', body: 'just some text, not a picture', reason: 'not-an-image' },
    { name: 'truncated.jpg', body: SAMPLE_JPEG_LANDSCAPE.subarray(0, 400), reason: 'corrupt' },
    {
      name: 'logo.svg',
      body: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
      reason: 'unsupported-format',
    },
  ])('records $name as skipped ($reason) with no thumbnails', async ({ name, body, reason }) => {
    // Act
    await put(name, body);
    const item = await settled(name, (current) => current?.status === 'skipped');

    // Assess
    expect(item).toMatchObject({ status: 'skipped', reason, thumbnails: [] });
  });

  it('ends in the state of the last operation: overwrite, then delete, while processing', async () => {
    // Act: no waiting between the operations.
    await put('hero.jpg', SAMPLE_JPEG_LANDSCAPE);
    const { ETag } = await put('hero.jpg', 'not an image any more');
    await put('gone.jpg', SAMPLE_JPEG_LANDSCAPE);
    await remove('gone.jpg');

    // Assess
    const overwritten = await settled('hero.jpg', (item) => item?.status === 'skipped');
    expect(overwritten).toMatchObject({
      eTag: unquote(ETag),
      reason: 'not-an-image',
      thumbnails: [],
    });
    const deleted = await settled('gone.jpg', (item) => item?.status === 'deleted');
    expect(deleted.thumbnails).toEqual([]);
    await cloud.idle();
    expect((await catalog.get(`uploads/${productId}/gone.jpg`))?.status).toBe('deleted');
  });

  it('serves the catalog on GET /products/{productId}/media, page by page', async () => {
    // Prepare: the items of the tests above.
    await settled('front.jpg', (item) => item?.status === 'ready');

    // Act
    const first = await listMedia('?limit=2');
    const second = await listMedia(`?limit=100&cursor=${first.body.nextCursor}`);
    const anonymous = await fetch(`${described.apiUrl}/products/${productId}/media`);

    // Assess
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    const names = [...first.body.items, ...second.body.items].map((item) => item.name);
    expect(names.sort()).toEqual(
      ['empty.jpg', 'front.jpg', 'hero.jpg', 'logo.svg', 'notes.jpg', 'truncated.jpg'].sort(),
    );
    expect(second.body.nextCursor).toBeNull();
    expect(anonymous.status).toBe(401);
  });
});
