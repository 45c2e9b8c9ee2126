import type { AwsCallLimits } from '@shop/common/aws';
import {
  type Environment,
  loadConfig,
  positiveIntList,
  processEnvironment,
} from '@shop/common/config';
import * as z from '@shop/common/validation';
import { DEFAULT_THUMBNAIL_WIDTHS } from '@shop/contracts/mediaKeys';
import { OUTCOME_LIMITS } from '@shop/contracts/thumbnailOutcome';

// The only module that reads the environment. Limits are generous for product photos and
// tight enough that one invocation never holds more than one bounded source in memory.

/** 50 MiB: larger uploads are skipped after a HEAD, before any byte is downloaded. */
export const DEFAULT_MAX_SOURCE_BYTES = 50 * 1024 * 1024;
/** 60 megapixels: every current camera sensor, far below a decompression bomb. */
export const DEFAULT_MAX_SOURCE_PIXELS = 60_000_000;
/** Thumbnail keys are stable per upload and rewritten on overwrite, so not `immutable`. */
export const DEFAULT_CACHE_CONTROL = 'public, max-age=86400';

/** Thumbnails wider than this are not thumbnails. */
const MAX_WIDTH = 4096;

const schema = z.object({
  THUMBNAILS_BUCKET: z.string().check(z.minLength(3)),
  THUMBNAIL_WIDTHS: z._default(
    z.pipe(
      positiveIntList,
      z
        .array(
          z.int().check(z.maximum(MAX_WIDTH, `widths above ${MAX_WIDTH} px are not thumbnails`)),
        )
        .check(
          // The outcome document lists at most this many (a longer one would not read back).
          z.maxLength(
            OUTCOME_LIMITS.maxThumbnails,
            `at most ${OUTCOME_LIMITS.maxThumbnails} widths (the outcome's limit)`,
          ),
        ),
    ),
    [...DEFAULT_THUMBNAIL_WIDTHS],
  ),
  MAX_SOURCE_BYTES: z._default(
    z.coerce.number().check(z.int(), z.positive()),
    DEFAULT_MAX_SOURCE_BYTES,
  ),
  MAX_SOURCE_PIXELS: z._default(
    z.coerce.number().check(z.int(), z.positive()),
    DEFAULT_MAX_SOURCE_PIXELS,
  ),
  CACHE_CONTROL: z._default(z.string().check(z.minLength(1)), DEFAULT_CACHE_CONTROL),
  WEBP_QUALITY: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 80),
});

/** The thumbnailer's settings, validated once at cold start (env names mapped to camelCase). */
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
 * Read and validate ThumbnailsFunction's environment, naming every bad variable at once.
 *
 * @throws {ConfigError} from `@shop/common/config`.
 *
 * @example
 * const config = loadThumbnailsConfig({ THUMBNAILS_BUCKET: 'shop-thumbnails', THUMBNAIL_WIDTHS: '64,256' });
 * config.widths; // [256, 64]
 */
export const loadThumbnailsConfig = (env: Environment = processEnvironment()): ThumbnailsConfig => {
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
