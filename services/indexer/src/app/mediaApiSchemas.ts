import * as z from 'zod';
import { MEDIA_STATUS } from '../domain/MediaItem.js';

// The wire format of GET /products/{productId}/media. openapi.yaml's schemas are generated
// from these (scripts/generateOpenApi.ts), and the tests check every answer against them.

/** Page size bounds of the `limit` query parameter. */
export const MEDIA_PAGE = { defaultLimit: 20, maxLimit: 100 } as const;

export const mediaQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MEDIA_PAGE.maxLimit)
    .default(MEDIA_PAGE.defaultLimit)
    .meta({ description: 'Items per page.' }),
  cursor: z
    .string()
    .min(1)
    .max(2048)
    .optional()
    .meta({ description: '`nextCursor` of the previous page.' }),
});

export const thumbnailSchema = z
  .object({
    key: z.string().meta({ description: 'Object key in the thumbnails bucket.' }),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    bytes: z.number().int().nonnegative(),
  })
  .meta({ description: 'A WebP thumbnail that exists.' });

export const mediaItemSchema = z
  .object({
    key: z.string().meta({ description: 'Object key in the uploads bucket.' }),
    name: z.string().meta({ description: 'File name below `uploads/<productId>/`.' }),
    status: z
      .enum([
        MEDIA_STATUS.processing,
        MEDIA_STATUS.ready,
        MEDIA_STATUS.skipped,
        MEDIA_STATUS.failed,
      ])
      .meta({
        description:
          '`processing` until the thumbnailer reports; `ready` with its thumbnails; `skipped` (not a usable image, see `reason`); `failed` (the thumbnailer failed and is retried).',
      }),
    reason: z
      .string()
      .optional()
      .meta({ description: 'Why it was skipped or failed, e.g. `not-an-image`, `corrupt`.' }),
    detail: z.string().optional(),
    contentType: z.string().optional(),
    size: z.number().int().nonnegative().meta({ description: 'Bytes of the upload.' }),
    eTag: z.string(),
    metadata: z
      .record(z.string(), z.string())
      .meta({ description: 'User metadata (`x-amz-meta-*`).' }),
    lastModified: z.iso.datetime(),
    processedAt: z.iso
      .datetime()
      .optional()
      .meta({ description: 'When the thumbnailer reported.' }),
    thumbnailsBucket: z.string().optional(),
    thumbnails: z.array(thumbnailSchema).meta({
      description: 'Exactly the thumbnails that exist, largest first; empty unless ready.',
    }),
  })
  .meta({ description: 'One upload of the product and what the thumbnailer made of it.' });

export const mediaPageSchema = z
  .object({
    productId: z.string(),
    items: z.array(mediaItemSchema).meta({ description: 'Newest upload first.' }),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .meta({ description: 'One page of a product media, newest first.' });

export const errorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.enum(['BAD_REQUEST', 'UNAUTHORIZED', 'INTERNAL']),
      message: z.string(),
      requestId: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ description: 'Every error the function answers.' });

export type MediaPageBody = z.infer<typeof mediaPageSchema>;
export type MediaItemBody = z.infer<typeof mediaItemSchema>;
