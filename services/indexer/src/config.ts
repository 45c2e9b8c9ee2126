import type { AwsCallLimits } from '@shop/common/aws';
import { type Environment, loadConfig, processEnvironment } from '@shop/common/config';
import * as z from '@shop/common/validation';

// The only module that reads the environment.

const name = z.string().check(z.minLength(3));
const schema = z.object({
  MEDIA_TABLE_NAME: name,
  UPLOADS_BUCKET: name,
  /** Where the thumbnailer's outcome events come from; recorded on each item. */
  THUMBNAILS_BUCKET: name,
});

/** The indexer's settings, validated once at cold start. */
export interface IndexerConfig {
  /** MediaTable's name. */
  readonly mediaTableName: string;
  /** The only bucket whose events are accepted (the rule filters on it too). */
  readonly uploadsBucket: string;
  /** The only other bucket whose events are accepted: the thumbnailer's outcomes. */
  readonly thumbnailsBucket: string;
}

/**
 * Read and validate the environment (IndexerFunction and MediaApiFunction get the same
 * variables).
 *
 * @throws {ConfigError} naming every missing or malformed variable.
 *
 * @example
 * const config = loadIndexerConfig({ MEDIA_TABLE_NAME: 'media', UPLOADS_BUCKET: 'uploads', THUMBNAILS_BUCKET: 'thumbs' });
 * config.thumbnailsBucket; // 'thumbs'
 */
export const loadIndexerConfig = (env: Environment = processEnvironment()): IndexerConfig => {
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
