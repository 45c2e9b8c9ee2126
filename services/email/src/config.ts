import type { AwsCallLimits } from '@shop/common/aws';
import { type Environment, loadConfig, processEnvironment } from '@shop/common/config';
import * as z from '@shop/common/validation';

/** EmailFunction's environment variables, as template.yaml names them. */
const emailEnvironmentSchema = z.object({
  /** DynamoDB table of Powertools idempotency records (pk `id`, TTL `expiration`). */
  IDEMPOTENCY_TABLE_NAME: z.string().check(z.minLength(1)),
  /** Verified SES identity every email is sent from. */
  SENDER_EMAIL: z.email(),
  /** Optional SES configuration set; empty means none. */
  SES_CONFIGURATION_SET: z.optional(z.string().check(z.minLength(1))),
  /** How long a sent event id is remembered. Default 7 days. */
  IDEMPOTENCY_EXPIRY_SECONDS: z._default(
    z.coerce.number().check(z.int(), z.positive()),
    7 * 24 * 60 * 60,
  ),
  /** Records are not started with less invocation time left than this. Default 10 s. */
  REMAINING_TIME_SAFETY_MARGIN_MS: z._default(
    z.coerce.number().check(z.int(), z.minimum(0)),
    10_000,
  ),
  /**
   * OrderEventsQueue's RedrivePolicy maxReceiveCount: a record failing on this receive goes to
   * the dead-letter queue, so that failure is logged as an error. Must match the template.
   */
  MAX_RECEIVE_COUNT: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 5),
});

/** EmailFunction's configuration. */
export interface EmailConfig {
  /** `IDEMPOTENCY_TABLE_NAME`: the Powertools idempotency table (EmailIdempotencyTable). */
  readonly idempotencyTableName: string;
  /** `SENDER_EMAIL`: the verified SES identity every email is sent from. */
  readonly senderEmail: string;
  /** `SES_CONFIGURATION_SET`: optional SES configuration set. */
  readonly sesConfigurationSet?: string | undefined;
  /** `IDEMPOTENCY_EXPIRY_SECONDS`: how long a sent event id is remembered. */
  readonly idempotencyExpirySeconds: number;
  /** `REMAINING_TIME_SAFETY_MARGIN_MS`: a record is not started with less time left. */
  readonly remainingTimeSafetyMarginMs: number;
  /** `MAX_RECEIVE_COUNT`: OrderEventsQueue's maxReceiveCount. */
  readonly maxReceiveCount: number;
}

/**
 * Read and validate the environment. The handler calls it once at module scope, so a bad or
 * missing variable fails the cold start with a message naming it.
 *
 * @throws {ConfigError} naming every missing or malformed variable.
 *
 * @example
 * const config = loadEmailConfig();
 * config.senderEmail; // 'orders@example.com'
 */
export const loadEmailConfig = (env: Environment = processEnvironment()): EmailConfig => {
  const vars = loadConfig(emailEnvironmentSchema, env);
  return Object.freeze({
    idempotencyTableName: vars.IDEMPOTENCY_TABLE_NAME,
    senderEmail: vars.SENDER_EMAIL,
    ...(vars.SES_CONFIGURATION_SET === undefined
      ? {}
      : { sesConfigurationSet: vars.SES_CONFIGURATION_SET }),
    idempotencyExpirySeconds: vars.IDEMPOTENCY_EXPIRY_SECONDS,
    remainingTimeSafetyMarginMs: vars.REMAINING_TIME_SAFETY_MARGIN_MS,
    maxReceiveCount: vars.MAX_RECEIVE_COUNT,
  });
};

/**
 * How long EmailFunction's AWS calls may take (see `@shop/common/aws`). The invocation deadline
 * (remaining time - 1.5 s) caps everything, so a stalled SES or DynamoDB fails the record (SQS
 * redelivers it) instead of timing the function out.
 *
 * SES gets one SDK attempt per call: the SDK would also retry a timeout or a dropped
 * connection, whose email SES may already have accepted (a duplicate in the same invocation).
 * {@link SES_SEND_RETRY} retries in the adapter, and only errors SES answered.
 *
 * Timeout 30 s; no record starts with less than REMAINING_TIME_SAFETY_MARGIN_MS (10 s) left, so
 * the last record has 10 - 1.5 = 8.5 s. One record: idempotency put, SES send, completion write.
 *   timeouts only:  DynamoDB 2 x 1 s, SES 3 x 2 s answered errors, DynamoDB 2 x 1 s = 10 s
 *   typical trouble (one dependency slow or failing): 2 s + 0.3 s + 2 s + 0.3 s < 8.5 s
 * Past the deadline the record fails and SQS delivers it again.
 */
export const AWS_LIMITS = {
  deadlineMarginMs: 1_500,
  dynamodb: { connectionTimeoutMs: 500, requestTimeoutMs: 1_000, maxAttempts: 2 },
  ses: { connectionTimeoutMs: 500, requestTimeoutMs: 2_000, maxAttempts: 1 },
} as const satisfies Record<string, number | AwsCallLimits>;

/**
 * The SES adapter's own retries of one send: `attempts` in all, retried only when SES answered
 * with throttling or 503 (it did not accept the email), after a full-jitter backoff of at most
 * `baseDelayMs` x 2^(retry - 1), capped at `maxDelayMs`. A send whose outcome is unknown
 * (timeout, dropped connection, deadline, another 5xx) is never retried inside the invocation.
 */
export const SES_SEND_RETRY = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 } as const;
