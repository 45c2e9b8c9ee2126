import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';

/** What replaces a redacted value in a log line. */
export const REDACTED = '[REDACTED]';

// Keys whose values are credentials whatever they look like (compared lower-cased, without
// `-` and `_`, so `Authorization`, `x-api-key` and `refresh_token` all match).
const SENSITIVE_KEYS = new Set([
  'authorization',
  'proxyauthorization',
  'cookie',
  'cookies',
  'setcookie',
  'token',
  'accesstoken',
  'idtoken',
  'refreshtoken',
  'idempotencykey',
  'password',
  'secret',
  'secretstring',
  'signingkey',
  'apikey',
  'xapikey',
]);

// RFC 5322 `atext` for the local part (`!#$%&'*+/=?^_`{|}~` are all legal in addresses), and
// any letter, digit or mark in both parts: internationalised addresses (RFC 6531, `jürgen@
// bücher.de`) are redacted like ASCII ones.
const EMAIL =
  /([\p{L}\p{N}\p{M}_!#$%&'*+/=?^`{|}~.-]+)@((?:[\p{L}\p{N}\p{M}-]+\.)+[\p{L}\p{N}\p{M}-]{2,})/gu;
const JWT = /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;
const BEARER = /\b(Bearer|Basic)\s+[\w~+/.=-]+/gi;

/**
 * Remove PII and credentials from one string: email addresses keep only their domain
 * (`***@example.com`), JWTs and bearer credentials are replaced.
 *
 * @example
 * redactString('mail ada@example.com'); // 'mail ***@example.com'
 */
export const redactString = (value: string): string =>
  value
    .replace(EMAIL, (_match, _local, domain: string) => `***@${domain}`)
    .replace(JWT, REDACTED)
    .replace(BEARER, (_match, scheme: string) => `${scheme} ${REDACTED}`);

// Key endings that name a credential (`sessionToken`, `x-amz-security-token`, `clientSecret`,
// `aws_secret_access_key`, `privateKey`, `credentials` ...); not a bare `key` (`sortKey`).
const SENSITIVE_SUFFIXES = [
  'token',
  'secret',
  'password',
  'secretaccesskey',
  'privatekey',
  'apikey',
  'signingkey',
  'credentials',
];

const normaliseKey = (key: string) => key.toLowerCase().replace(/[-_]/g, '');

const isSensitiveKey = (key: string) => {
  const normalised = normaliseKey(key);
  return (
    SENSITIVE_KEYS.has(normalised) ||
    SENSITIVE_SUFFIXES.some((suffix) => normalised.endsWith(suffix))
  );
};

/**
 * A `JSON.stringify` replacer that redacts sensitive keys at any depth and scrubs every string
 * value. The Logger calls it for every key/value pair of every log item.
 *
 * @example
 * JSON.stringify({ headers: { authorization: 'Bearer x' } }, redactingReplacer);
 * // '{"headers":{"authorization":"[REDACTED]"}}'
 */
export const redactingReplacer = (key: string, value: unknown): unknown => {
  if (key !== '' && isSensitiveKey(key) && value != null) return REDACTED;
  if (typeof value === 'string') return redactString(value);
  return value;
};

/** Options for {@link createLogger}. */
export interface CreateLoggerOptions {
  /** Defaults to `POWERTOOLS_LOG_LEVEL` / `AWS_LAMBDA_LOG_LEVEL`, then INFO. */
  logLevel?: LogLevel;
  /** Keys added to every log item. */
  persistentKeys?: Record<string, unknown>;
}

/**
 * One structured JSON logger per service: service name, cold start and request id (once the
 * handler calls `logger.addContext(context)` or uses `injectLambdaContext`), correlation id
 * (`logger.setCorrelationId(id)`), and redaction of emails, tokens and authorization headers
 * wherever they appear in a logged object.
 *
 * @example
 * export const logger = createLogger('orders-api');
 * logger.info('order placed', { orderId, email }); // email logged as ***@example.com
 */
export const createLogger = (serviceName: string, options: CreateLoggerOptions = {}): Logger =>
  new Logger({
    serviceName,
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
    ...(options.persistentKeys === undefined ? {} : { persistentKeys: options.persistentKeys }),
    jsonReplacerFn: redactingReplacer,
  });

export type { Logger };
