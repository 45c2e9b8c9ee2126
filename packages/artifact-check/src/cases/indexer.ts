import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { SAMPLE_JPEG_LANDSCAPE } from '@shop/shop-e2e';
import { expectEqual, expectMatch } from '../expect.ts';
import { putObject, scanTable } from './backendReads.ts';
import type { Case, CaseContext, Effect } from './types.ts';

// The indexer samples were written for a stack named "shop" in eu-west-1 (their bucket is
// shop-uploads-123456789012-eu-west-1, and the indexer rejects events of any other bucket),
// hence their own stack profile "shop-eu".

interface SqsSample {
  Records: Array<{ body: string }>;
}
interface S3Detail {
  'detail-type': string;
  detail: { bucket: { name: string }; object: { key: string; etag?: string; size?: number } };
}

const bodies = (event: unknown) =>
  (event as SqsSample).Records.map((record) => JSON.parse(record.body) as S3Detail);

/** The object the sample's records are about (decoded key), in the stack's uploads bucket. */
const objectOf = (event: unknown, ctx: CaseContext) => {
  const first = bodies(event)[0];
  const bucket = ctx.stack.bucket('UploadsBucket');
  expectEqual(first?.detail.bucket.name, bucket, 'the sample\'s bucket (stack profile "shop-eu")');
  const key = decodeURIComponent((first?.detail.object.key ?? '').replaceAll('+', ' '));
  return { bucket, key };
};

const itemsOf = async (ctx: CaseContext, key: string) =>
  (await scanTable(ctx, 'MediaTable')).filter((item) => item.key === key);

const itemIs = (what: string, pattern: (key: string, ctx: CaseContext) => unknown): Effect => ({
  what,
  check: async (ctx, _response, event) => {
    const { key } = objectOf(event, ctx);
    expectMatch(await itemsOf(ctx, key), [pattern(key, ctx)], `MediaTable items of "${key}"`);
  },
});

const UPLOADED = 'indexerUpload';

/** Upload a real object at the sample's key; remember its ETag and size. */
const upload = async (ctx: CaseContext, event: unknown) => {
  const { bucket, key } = objectOf(event, ctx);
  const head = await putObject(bucket, key, SAMPLE_JPEG_LANDSCAPE, 'image/jpeg', ctx);
  ctx.state.set(UPLOADED, JSON.stringify(head));
};

/** The sample with its Object Created records naming the uploaded object's ETag and size. */
const matchUpload = {
  why: "a create is indexed only if the object still has the ETag the event names, and no upload can have the sample's made-up ETag: the uploaded object's ETag and size are put in",
  apply: (event: unknown, ctx: CaseContext) => {
    const { eTag, size } = JSON.parse(ctx.state.get(UPLOADED) ?? '{}');
    const sample = structuredClone(event) as SqsSample;
    for (const record of sample.Records) {
      const body = JSON.parse(record.body) as S3Detail;
      if (body['detail-type'] !== 'Object Created') continue;
      body.detail.object.etag = eTag;
      body.detail.object.size = size;
      record.body = JSON.stringify(body);
    }
    return sample;
  },
};

const UPLOAD_KEY = 'uploads/prod-1042/front view.jpg';
const OUTCOME_ETAG = 'indexerOutcomeEtag';
const OUTCOME_WRITTEN_AT = '2026-03-14T09:26:55.000Z';
const OUTCOME_THUMBNAILS = [
  { key: 'prod-1042/front view.jpg/1024.webp', width: 160, height: 120, bytes: 1834 },
  { key: 'prod-1042/front view.jpg/512.webp', width: 160, height: 120, bytes: 1834 },
  { key: 'prod-1042/front view.jpg/128.webp', width: 128, height: 96, bytes: 1290 },
];

/** The outcome the thumbnailer writes for the uploaded object (sequencer of object-created.json). */
const writeOutcome = async (ctx: CaseContext) => {
  const { eTag, size } = JSON.parse(ctx.state.get(UPLOADED) ?? '{}');
  const outcome = {
    version: 1,
    status: 'generated',
    source: {
      bucket: ctx.stack.bucket('UploadsBucket'),
      key: UPLOAD_KEY,
      eTag,
      size,
      sequencer: '0069B528ED2C7A41F3',
    },
    thumbnails: OUTCOME_THUMBNAILS,
    writtenAt: OUTCOME_WRITTEN_AT,
  };
  const written = await putObject(
    ctx.stack.bucket('ThumbnailsBucket'),
    'prod-1042/front view.jpg/outcome.json',
    Buffer.from(JSON.stringify(outcome)),
    'application/json',
    ctx,
  );
  ctx.state.set(OUTCOME_ETAG, written.eTag);
};

/** The sample with the outcome object's real ETag (the indexer ignores other versions). */
const matchOutcome = {
  why: "the indexer applies an outcome event only if the object still has the ETag the event names, and no write can have the sample's made-up ETag: the written outcome's ETag is put in",
  apply: (event: unknown, ctx: CaseContext) => {
    const sample = structuredClone(event) as SqsSample;
    for (const record of sample.Records) {
      const body = JSON.parse(record.body) as S3Detail;
      body.detail.object.etag = ctx.state.get(OUTCOME_ETAG) ?? '';
      record.body = JSON.stringify(body);
    }
    return sample;
  },
};

const deleted = (key: string) => ({
  key,
  status: 'deleted',
  deletedAt: /^\d{4}-/,
  productSort: undefined,
});

export const indexerCases: Case[] = [
  {
    event: 'events/indexer/object-created.json',
    functionId: 'IndexerFunction',
    stack: 'shop-eu',
    title: 'as-is, the object does not exist: acknowledged, nothing indexed',
    expect: { batchItemFailures: [] },
    effects: [
      {
        what: 'no MediaTable item (object-vanished)',
        check: async (ctx, _response, event) =>
          expectEqual(await itemsOf(ctx, objectOf(event, ctx).key), [], 'MediaTable items'),
      },
    ],
  },
  {
    event: 'events/indexer/object-created.json',
    functionId: 'IndexerFunction',
    stack: 'shop-eu',
    title: 'object uploaded (event ETag = upload): catalog item written',
    prepare: upload,
    adapt: matchUpload,
    expect: { batchItemFailures: [] },
    effects: [
      itemIs('processing item with HEAD data, no thumbnails yet', (key, ctx) => {
        const { eTag, size } = JSON.parse(ctx.state.get(UPLOADED) ?? '{}');
        return {
          key,
          bucket: ctx.stack.bucket('UploadsBucket'),
          productId: 'prod-1042',
          name: 'front view.jpg',
          status: 'processing',
          eTag,
          size,
          contentType: 'image/jpeg',
          thumbnails: [],
          thumbnailsBucket: ctx.stack.bucket('ThumbnailsBucket'),
          productSort: new RegExp(`#${key}$`),
        };
      }),
    ],
  },
  {
    event: 'events/indexer/thumbnails-outcome.json',
    functionId: 'IndexerFunction',
    stack: 'shop-eu',
    title: 'as-is, no outcome object exists: acknowledged, item unchanged',
    expect: { batchItemFailures: [] },
    effects: [
      {
        what: 'the item is still processing',
        check: async (ctx) => {
          const [item] = await itemsOf(ctx, UPLOAD_KEY);
          expectMatch(item, { status: 'processing', thumbnails: [] }, 'MediaTable item');
        },
      },
    ],
  },
  {
    event: 'events/indexer/thumbnails-outcome.json',
    functionId: 'IndexerFunction',
    stack: 'shop-eu',
    title: "the thumbnailer's outcome for the indexed upload: item ready with its thumbnails",
    prepare: writeOutcome,
    adapt: matchOutcome,
    expect: { batchItemFailures: [] },
    effects: [
      {
        what: 'item ready, listing exactly the outcome thumbnails',
        check: async (ctx) => {
          const [item] = await itemsOf(ctx, UPLOAD_KEY);
          expectMatch(
            item,
            { status: 'ready', thumbnails: OUTCOME_THUMBNAILS, processedAt: OUTCOME_WRITTEN_AT },
            'MediaTable item',
          );
        },
      },
    ],
  },
  {
    event: 'events/indexer/list-product-media.json',
    functionId: 'MediaApiFunction',
    stack: 'shop-eu',
    title: 'GET /products/prod-1042/media: the ready item with its thumbnails',
    expect: {
      statusCode: 200,
      body: {
        productId: 'prod-1042',
        items: [{ key: UPLOAD_KEY, status: 'ready', thumbnails: OUTCOME_THUMBNAILS }],
        nextCursor: null,
      },
    },
  },
  {
    event: 'events/indexer/object-deleted.json',
    functionId: 'IndexerFunction',
    stack: 'shop-eu',
    title: 'object deleted: item becomes a tombstone',
    prepare: async (ctx, event) => {
      const { bucket, key } = objectOf(event, ctx);
      await ctx.clients.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    expect: { batchItemFailures: [] },
    effects: [itemIs('item deleted (tombstone), out of the byProduct index', deleted)],
  },
  {
    event: 'events/indexer/out-of-order.json',
    functionId: 'IndexerFunction',
    stack: 'shop-eu',
    title: 'delete, then an older create: stays deleted',
    expect: { batchItemFailures: [] },
    effects: [itemIs('item deleted', deleted)],
  },
  {
    event: 'events/indexer/out-of-order.json',
    functionId: 'IndexerFunction',
    stack: 'shop-eu',
    title: 'the older create again, object present with its ETag: ignored by sequencer',
    prepare: upload,
    adapt: matchUpload,
    expect: { batchItemFailures: [] },
    effects: [itemIs('item still deleted (stale create ignored)', deleted)],
  },
];
