import type { AwsCallLimits } from '@shop/common/aws';
import { loadConfig, positiveIntList } from '@shop/common/config';
import { DEFAULT_THUMBNAIL_WIDTHS } from '@shop/contracts/mediaKeys';
import * as z from 'zod';

// The only module that reads the environment. Limits are generous for product photos and
// tight enough that one invocation never holds more than one bounded source in memory.

/** 50 MiB: larger uploads are skipped after a HEAD, before any byte is downloaded. */
export const DEFAULT_MAX_SOURCE_BYTES = 50 * 1024 * 1024;
/** 60 megapixels: every current camera sensor, far below a decompression bomb. */
export const DEFAULT_MAX_SOURCE_PIXELS = 60_000_000;
/** Thumbnail keys are stable per upload and rewritten on overwrite, so not `immutable`. */
export const DEFAULT_CACHE_CONTROL = 'public, max-age=86400';

const schema = z.object({
  THUMBNAILS_BUCKET: z.string().min(3),
  THUMBNAIL_WIDTHS: positiveIntList
    .pipe(z.array(z.number().int().max(4096, 'widths above 4096 px are not thumbnails')))
    .default([...DEFAULT_THUMBNAIL_WIDTHS]),
  MAX_SOURCE_BYTES: z.coerce.number().int().positive().default(DEFAULT_MAX_SOURCE_BYTES),
  MAX_SOURCE_PIXELS: z.coerce.number().int().positive().default(DEFAULT_MAX_SOURCE_PIXELS),
  CACHE_CONTROL: z.string().min(1).default(DEFAULT_CACHE_CONTROL),
  WEBP_QUALITY: z.coerce.number().int().min(1).max(100).default(80),
});

/** The thumbnailer's settings, validated once at cold start. */
export interface ThumbnailsConfig {
  thumbnailsBucket: string;
  /** Distinct widths, largest first (the order they are rendered in). */
  widths: readonly number[];
  maxSourceBytes: number;
  maxSourcePixels: number;
  cacheControl: string;
  webpQuality: number;
}

/**
 * Read and validate the environment.
 *
 * @example
 * const config = readConfig({ THUMBNAILS_BUCKET: 'shop-thumbnails', THUMBNAIL_WIDTHS: '64,256' });
 * config.widths; // [256, 64]
 */
export const readConfig = (
  env?: Readonly<Record<string, string | undefined>>,
): ThumbnailsConfig => {
  const raw = loadConfig(schema, env);
  return Object.freeze({
    thumbnailsBucket: raw.THUMBNAILS_BUCKET,
    widths: Object.freeze([...new Set(raw.THUMBNAIL_WIDTHS)].sort((a, b) => b - a)),
    maxSourceBytes: raw.MAX_SOURCE_BYTES,
    maxSourcePixels: raw.MAX_SOURCE_PIXELS,
    cacheControl: raw.CACHE_CONTROL,
    webpQuality: raw.WEBP_QUALITY,
  });
};

/**
 * How long ThumbnailsFunction's S3 calls may take (see `@shop/common/aws`). Timeout 60 s; the
 * invocation deadline is remaining time - 2 s, so a stalled S3 fails the invocation (Lambda's
 * asynchronous retries take it again) instead of timing it out. One call:
 *   3 x 5 s + 1 s + 2 s (throttling backoff) = 18 s < 58 s
 * An event makes several calls (HEAD, GET, one PUT per width); the deadline caps their sum.
 * 5 s covers a PUT of the largest thumbnail; a source body is bounded by the same 5 s idle limit.
 */
export const AWS_LIMITS = {
  deadlineMarginMs: 2_000,
  s3: { connectionTimeoutMs: 1_000, requestTimeoutMs: 5_000, maxAttempts: 3 },
} as const satisfies Record<string, number | AwsCallLimits>;
