import * as z from '@shop/common/validation';
import { MEDIA_STATUS } from '../domain/constants.js';

// The response bodies of GET /products/{productId}/media. openapi.yaml's schemas are generated
// from these (scripts/generateOpenApi.ts) and the tests check every answer against openapi.yaml.
// The handler imports only their types, so none of them is built at a cold start.

const describe = (description: string) => z.meta({ description });
const count = z.int().check(z.minimum(0));
const dimension = z.int().check(z.positive());

export const thumbnailSchema = z
  .object({
    key: z.string().check(describe('Object key in the thumbnails bucket.')),
    width: dimension,
    height: dimension,
    bytes: count,
  })
  .check(describe('A WebP thumbnail that exists.'));

export const mediaItemSchema = z
  .object({
    key: z.string().check(describe('Object key in the uploads bucket.')),
    name: z.string().check(describe('File name below `uploads/<productId>/`.')),
    status: z
      .enum([
        MEDIA_STATUS.processing,
        MEDIA_STATUS.ready,
        MEDIA_STATUS.skipped,
        MEDIA_STATUS.failed,
      ])
      .check(
        describe(
          '`processing` until the thumbnailer reports; `ready` with its thumbnails; `skipped` (not a usable image, see `reason`); `failed` (the thumbnailer failed and is retried).',
        ),
      ),
    reason: z
      .optional(z.string())
      .check(describe('Why it was skipped or failed, e.g. `not-an-image`, `corrupt`.')),
    detail: z.optional(z.string()),
    contentType: z.optional(z.string()),
    size: count.check(describe('Bytes of the upload.')),
    eTag: z.string(),
    metadata: z.record(z.string(), z.string()).check(describe('User metadata (`x-amz-meta-*`).')),
    lastModified: z.iso.datetime(),
    processedAt: z.optional(z.iso.datetime()).check(describe('When the thumbnailer reported.')),
    thumbnailsBucket: z.optional(z.string()),
    thumbnails: z
      .array(thumbnailSchema)
      .check(describe('Exactly the thumbnails that exist, largest first; empty unless ready.')),
  })
  .check(describe('One upload of the product and what the thumbnailer made of it.'));

export const mediaPageSchema = z
  .object({
    productId: z.string(),
    items: z.array(mediaItemSchema).check(describe('Newest upload first.')),
    nextCursor: z
      .nullable(z.string())
      .check(describe('Pass as `cursor` for the next page; null on the last page.')),
  })
  .check(describe('One page of a product media, newest first.'));

export const errorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.enum(['BAD_REQUEST', 'UNAUTHORIZED', 'INTERNAL', 'SERVICE_UNAVAILABLE']),
      message: z.string(),
      requestId: z.string(),
      details: z.optional(z.unknown()),
    }),
  })
  .check(describe('Every error the function answers.'));

export type MediaPageBody = z.output<typeof mediaPageSchema>;
export type MediaItemBody = z.output<typeof mediaItemSchema>;
