import type { AwsCallLimits } from '@shop/common/aws';
import { type Environment, loadConfig, processEnvironment } from '@shop/common/config';
import * as z from '@shop/common/validation';

// The only place that reads the environment. Each function validates what it needs at cold
// start and fails with one message naming every missing or malformed variable; the loaders
// map the variables' names to camelCase fields.

const required = () => z.string().check(z.minLength(1));
// Not z.url(): local SQS emulators hand out URLs such as http://sqs.us-east-1.127.0.0.1:4566/...
// that WHATWG URL parsing rejects, yet the SDK accepts.
const queueUrl = () =>
  z.string().check(z.regex(/^https?:\/\/\S+$/, 'must be an http(s) queue URL'));

const signingKeySettings = {
  /** Secrets Manager id (name or ARN) of the HS256 signing key. */
  SIGNING_SECRET_ID: required(),
  /** How long the signing key versions are served from memory. */
  SIGNING_KEY_CACHE_SECONDS: z._default(
    z.pipe(z.coerce.number(), z.int().check(z.minimum(0), z.maximum(3600))),
    300,
  ),
};

/** AuthorizerFunction's environment. */
export const authorizerEnvironmentSchema = z.object({
  SIGNING_SECRET_ID: signingKeySettings.SIGNING_SECRET_ID,
  /** Expected `iss` and `aud` claims. */
  JWT_ISSUER: required(),
  JWT_AUDIENCE: required(),
  SIGNING_KEY_CACHE_SECONDS: signingKeySettings.SIGNING_KEY_CACHE_SECONDS,
});

/** OrdersApiFunction's environment. */
export const apiEnvironmentSchema = z.object({
  ORDERS_TABLE_NAME: required(),
  /** Powertools idempotency records of POST /orders with an Idempotency-Key. */
  IDEMPOTENCY_TABLE_NAME: required(),
  /**
   * Secrets Manager id of the key that MACs pagination cursors: a secret of its own, so the
   * API function cannot read the key that signs customer tokens.
   */
  CURSOR_SECRET_ID: required(),
  /** How long the cursor key versions are served from memory. */
  CURSOR_KEY_CACHE_SECONDS: signingKeySettings.SIGNING_KEY_CACHE_SECONDS,
});

/** OrderEventsPublisherFunction's environment. */
export const publisherEnvironmentSchema = z.object({
  ORDER_EVENTS_QUEUE_URL: queueUrl(),
  /** Where records that are not a valid order go, whole, for an operator to inspect. */
  PUBLISHER_DEAD_LETTER_QUEUE_URL: queueUrl(),
});

export interface SigningKeyConfig {
  signingSecretId: string;
  signingKeyCacheSeconds: number;
}

export interface AuthorizerConfig extends SigningKeyConfig {
  jwtIssuer: string;
  jwtAudience: string;
}

export interface ApiConfig {
  ordersTableName: string;
  idempotencyTableName: string;
  cursorSecretId: string;
  cursorKeyCacheSeconds: number;
}

export interface PublisherConfig {
  orderEventsQueueUrl: string;
  publisherDeadLetterQueueUrl: string;
}

/** AuthorizerFunction's settings. @throws {ConfigError} */
export const loadAuthorizerConfig = (
  env: Environment = processEnvironment(),
): Readonly<AuthorizerConfig> => {
  const raw = loadConfig(authorizerEnvironmentSchema, env);
  return Object.freeze({
    signingSecretId: raw.SIGNING_SECRET_ID,
    signingKeyCacheSeconds: raw.SIGNING_KEY_CACHE_SECONDS,
    jwtIssuer: raw.JWT_ISSUER,
    jwtAudience: raw.JWT_AUDIENCE,
  });
};

/** OrdersApiFunction's settings. @throws {ConfigError} */
export const loadApiConfig = (env: Environment = processEnvironment()): Readonly<ApiConfig> => {
  const raw = loadConfig(apiEnvironmentSchema, env);
  return Object.freeze({
    ordersTableName: raw.ORDERS_TABLE_NAME,
    idempotencyTableName: raw.IDEMPOTENCY_TABLE_NAME,
    cursorSecretId: raw.CURSOR_SECRET_ID,
    cursorKeyCacheSeconds: raw.CURSOR_KEY_CACHE_SECONDS,
  });
};

/** OrderEventsPublisherFunction's settings. @throws {ConfigError} */
export const loadPublisherConfig = (
  env: Environment = processEnvironment(),
): Readonly<PublisherConfig> => {
  const raw = loadConfig(publisherEnvironmentSchema, env);
  return Object.freeze({
    orderEventsQueueUrl: raw.ORDER_EVENTS_QUEUE_URL,
    publisherDeadLetterQueueUrl: raw.PUBLISHER_DEAD_LETTER_QUEUE_URL,
  });
};

/**
 * How long each function's AWS calls may take (see `@shop/common/aws`). One call's worst case
 * is attempts x request timeout + backoff (throttling: < 1 s before the 2nd attempt, < 2 s
 * before the 3rd), `worstCaseCallMs`; the invocation deadline (remaining time - margin) caps
 * the sum of all calls, so a slow dependency ends as an error the handler maps, never as a
 * function timeout.
 *
 * OrdersApiFunction, Timeout 10 s, deadline at 10 - 1 = 9 s, then a 503 with Retry-After:
 *   DynamoDB         3 x 1.5 s + 1 s + 2 s = 7.5 s < 9 s
 *   Secrets Manager  2 x 1.5 s + 1 s       = 4 s   < 9 s
 * AuthorizerFunction, Timeout 5 s, deadline at 5 - 1 = 4 s (it then keeps the cached keys):
 *   Secrets Manager  2 x 1 s + 1 s         = 3 s   < 4 s
 * OrderEventsPublisherFunction, Timeout 30 s, deadline at 30 - 2 = 28 s, then the first record
 * not sent is reported failed and the stream retries from it:
 *   SQS              3 x 3 s + 1 s + 2 s   = 12 s  < 28 s (a batch makes several calls: up to
 *                    10 entries each, plus quarantines; the deadline caps their sum)
 */
export const AWS_LIMITS = {
  api: {
    deadlineMarginMs: 1_000,
    dynamodb: { connectionTimeoutMs: 500, requestTimeoutMs: 1_500, maxAttempts: 3 },
    secretsManager: { connectionTimeoutMs: 500, requestTimeoutMs: 1_500, maxAttempts: 2 },
  },
  authorizer: {
    deadlineMarginMs: 1_000,
    secretsManager: { connectionTimeoutMs: 500, requestTimeoutMs: 1_000, maxAttempts: 2 },
  },
  publisher: {
    deadlineMarginMs: 2_000,
    sqs: { connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000, maxAttempts: 3 },
  },
} as const satisfies Record<string, Record<string, number | AwsCallLimits>>;
