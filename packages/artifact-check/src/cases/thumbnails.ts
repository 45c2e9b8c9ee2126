import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { SAMPLE_JPEG_LANDSCAPE } from '@shop/shop-e2e';
import { expectEqual, expectMatch } from '../expect.ts';
import { getObject, listKeys, putObject } from './backendReads.ts';
import type { Case, CaseContext } from './types.ts';

// Both samples name the same upload: uploads/p-1/<name> in shop-dev's uploads bucket, with a
// URL-encoded key (spaces as +, a literal + as %2B, UTF-8 escapes) as S3 sends it.

interface S3Sample {
  Records: Array<{ s3: { bucket: { name: string }; object: { key: string } } }>;
}

/** Bucket and decoded key of the sample's only record; the bucket must be the stack's. */
const uploadOf = (event: unknown, ctx: CaseContext) => {
  const record = (event as S3Sample).Records[0];
  const bucket = ctx.stack.bucket('UploadsBucket');
  expectEqual(record?.s3.bucket.name, bucket, 'the sample\'s bucket (stack profile "shop-dev")');
  const key = decodeURIComponent((record?.s3.object.key ?? '').replaceAll('+', ' '));
  const [, productId, name] = /^uploads\/([^/]+)\/(.+)$/.exec(key) ?? [];
  return { bucket, key, prefix: `${productId}/${name}/` };
};

/** Width and height from a WebP file's header (VP8, VP8L or VP8X). */
export const webpSize = (data: Buffer): { width: number; height: number } | undefined => {
  if (data.length < 30 || data.toString('latin1', 0, 4) !== 'RIFF') return undefined;
  if (data.toString('latin1', 8, 12) !== 'WEBP') return undefined;
  const chunk = data.toString('latin1', 12, 16);
  if (chunk === 'VP8 ') {
    return { width: data.readUInt16LE(26) & 0x3fff, height: data.readUInt16LE(28) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    const bits = data.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X')
    return { width: data.readUIntLE(24, 3) + 1, height: data.readUIntLE(27, 3) + 1 };
  return undefined;
};

const UPLOAD_ETAG = 'thumbnailsUploadEtag';
/** SAMPLE_JPEG_LANDSCAPE is 160x120: each width is a box, never enlarged. */
const EXPECTED = {
  128: { width: 128, height: 96 },
  512: { width: 160, height: 120 },
  1024: { width: 160, height: 120 },
};

export const thumbnailsCases: Case[] = [
  {
    event: 'events/thumbnails/put-unicode-key.json',
    functionId: 'ThumbnailsFunction',
    stack: 'shop-dev',
    title: 'real JPEG at the encoded key: three WebP thumbnails (sharp from SharpLayer)',
    prepare: async (ctx, event) => {
      const { bucket, key } = uploadOf(event, ctx);
      const { eTag } = await putObject(bucket, key, SAMPLE_JPEG_LANDSCAPE, 'image/jpeg', ctx);
      ctx.state.set(UPLOAD_ETAG, eTag);
    },
    expect: { payload: null },
    effects: [
      {
        what: 'ThumbnailsBucket holds <productId>/<name>/{128,512,1024}.webp (WebP of the right size, headers, source ETag) and outcome.json listing them',
        check: async (ctx, _response, event) => {
          const { prefix } = uploadOf(event, ctx);
          const bucket = ctx.stack.bucket('ThumbnailsBucket');
          const keys = await listKeys(bucket, prefix, ctx);
          expectEqual(
            keys,
            [...['1024', '128', '512'].map((w) => `${prefix}${w}.webp`), `${prefix}outcome.json`],
            'thumbnail keys',
          );
          const outcome = JSON.parse(
            (await getObject(bucket, `${prefix}outcome.json`, ctx)).body.toString('utf8'),
          );
          expectMatch(
            outcome,
            {
              version: 1,
              status: 'generated',
              source: { eTag: ctx.state.get(UPLOAD_ETAG), sequencer: '0067F3E1A5B2C3D4E5' },
              thumbnails: ['1024', '512', '128'].map((w) => ({
                key: `${prefix}${w}.webp`,
                ...EXPECTED[Number(w) as keyof typeof EXPECTED],
              })),
            },
            'outcome.json',
          );
          for (const [width, size] of Object.entries(EXPECTED)) {
            const object = await getObject(bucket, `${prefix}${width}.webp`, ctx);
            expectMatch(
              {
                contentType: object.ContentType,
                cacheControl: object.CacheControl,
                sourceEtag: object.Metadata?.['source-etag'],
                size: webpSize(object.body),
              },
              {
                contentType: 'image/webp',
                cacheControl: 'public, max-age=86400',
                sourceEtag: ctx.state.get(UPLOAD_ETAG),
                size,
              },
              `${width}.webp`,
            );
          }
        },
      },
    ],
  },
  {
    event: 'events/thumbnails/delete.json',
    functionId: 'ThumbnailsFunction',
    stack: 'shop-dev',
    title: 'upload deleted: its thumbnails and outcome removed',
    prepare: async (ctx, event) => {
      const { bucket, key, prefix } = uploadOf(event, ctx);
      const before = await listKeys(ctx.stack.bucket('ThumbnailsBucket'), prefix, ctx);
      expectEqual(
        before.length,
        4,
        'thumbnails and outcome present before the delete (from the put case)',
      );
      await ctx.clients.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    expect: { payload: null },
    effects: [
      {
        what: 'no thumbnails and no outcome left for the key',
        check: async (ctx, _response, event) => {
          const { prefix } = uploadOf(event, ctx);
          expectEqual(
            await listKeys(ctx.stack.bucket('ThumbnailsBucket'), prefix, ctx),
            [],
            'keys',
          );
        },
      },
    ],
  },
];
