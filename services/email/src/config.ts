import type { AwsCallLimits } from '@shop/common/aws';
import { type Environment, loadConfig } from '@shop/common/config';
import * as z from 'zod';

/** The email service's environment variables. */
export const emailConfigSchema = z.object({
  /** DynamoDB table of Powertools idempotency records (pk `id`, TTL `expiration`). */
  IDEMPOTENCY_TABLE_NAME: z.string().min(1),
  /** Verified SES identity every email is sent from. */
  SENDER_EMAIL: z.email(),
  /** Optional SES configuration set; empty means none. */
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  /** How long a sent event id is remembered. Default 7 days. */
  IDEMPOTENCY_EXPIRY_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(7 * 24 * 60 * 60),
  /** Records are not started with less invocation time left than this. Default 10 s. */
  REMAINING_TIME_SAFETY_MARGIN_MS: z.coerce.number().int().min(0).default(10_000),
});

export type EmailConfig = Readonly<z.output<typeof emailConfigSchema>>;

/**
 * Read and validate the environment. The handler calls it once at module scope, so a bad or
 * missing variable fails the cold start with a message naming it.
 *
 * @example
 * const config = loadEmailConfig();
 */
export const loadEmailConfig = (env?: Environment): EmailConfig =>
  loadConfig(emailConfigSchema, env);

/**
 * How long EmailFunction's AWS calls may take (see `@shop/common/aws`). One call's worst case
 * is attempts x request timeout + backoff (< 1 s before a 2nd attempt after throttling), and the
 * invocation deadline (remaining time - 1.5 s) caps the sum, so a stalled SES or DynamoDB
 * fails the record (SQS redelivers it) instead of timing the function out.
 *
 * Timeout 30 s; no record starts with less than REMAINING_TIME_SAFETY_MARGIN_MS (10 s) left, so
 * the last record has 10 - 1.5 = 8.5 s. One record: idempotency put, SES send, completion write.
 *   timeouts only:  DynamoDB 2 x 1 s, SES 2 x 2 s, DynamoDB 2 x 1 s  = 8 s (+ < 0.2 s backoff)
 *   with throttling backoff: 3 s + 5 s + 3 s = 11 s: the deadline then fails the record.
 * Fewer SES attempts would mean fewer duplicate sends after an accepted-then-timed-out send.
 */
export const AWS_LIMITS = {
  deadlineMarginMs: 1_500,
  dynamodb: { connectionTimeoutMs: 500, requestTimeoutMs: 1_000, maxAttempts: 2 },
  ses: { connectionTimeoutMs: 500, requestTimeoutMs: 2_000, maxAttempts: 2 },
} as const satisfies Record<string, number | AwsCallLimits>;
