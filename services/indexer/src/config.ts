import type { AwsCallLimits } from '@shop/common/aws';
import { loadConfig } from '@shop/common/config';
import * as z from 'zod';

// The only module that reads the environment.

const schema = z.object({
  MEDIA_TABLE_NAME: z.string().min(3),
  UPLOADS_BUCKET: z.string().min(3),
  /** Where the thumbnailer's outcome events come from; recorded on each item. */
  THUMBNAILS_BUCKET: z.string().min(3),
});

/** The indexer's settings, validated once at cold start. */
export interface IndexerConfig {
  mediaTableName: string;
  /** The only bucket whose events are accepted (the rule filters on it too). */
  uploadsBucket: string;
  /** The only other bucket whose events are accepted: the thumbnailer's outcomes. */
  thumbnailsBucket: string;
}

/**
 * Read and validate the environment.
 *
 * @example
 * const config = readConfig({ MEDIA_TABLE_NAME: 'media', UPLOADS_BUCKET: 'uploads', THUMBNAILS_BUCKET: 'thumbs' });
 * config.thumbnailsBucket; // 'thumbs'
 */
export const readConfig = (env?: Readonly<Record<string, string | undefined>>): IndexerConfig => {
  const raw = loadConfig(schema, env);
  return Object.freeze({
    mediaTableName: raw.MEDIA_TABLE_NAME,
    uploadsBucket: raw.UPLOADS_BUCKET,
    thumbnailsBucket: raw.THUMBNAILS_BUCKET,
  });
};

/**
 * How long IndexerFunction's AWS calls may take (see `@shop/common/aws`). Timeout 30 s; the
 * invocation deadline is remaining time - 2 s: records still running then fail, are reported
 * in batchItemFailures, and SQS redelivers them. One call (S3 HEAD, DynamoDB write):
 *   3 x 1.5 s + 1 s + 2 s (throttling backoff) = 7.5 s < 28 s
 * A batch of 10 records, two calls each (an outcome: GET, write, at worst GET item, HEAD and
 * two writes), runs one record at a time; the deadline caps the sum.
 */
export const AWS_LIMITS = {
  deadlineMarginMs: 2_000,
  dynamodb: { connectionTimeoutMs: 500, requestTimeoutMs: 1_500, maxAttempts: 3 },
  s3: { connectionTimeoutMs: 500, requestTimeoutMs: 1_500, maxAttempts: 3 },
} as const satisfies Record<string, number | AwsCallLimits>;
