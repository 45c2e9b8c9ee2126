import { type Environment, loadConfig, processEnvironment } from '@shop/common/config';
import * as z from 'zod';

// The only place that reads the environment. Each function validates what it needs at cold
// start and fails with one message naming every missing or malformed variable.

const jwtSettings = {
  /** Secrets Manager id (name or ARN) of the HS256 signing key. */
  SIGNING_SECRET_ID: z.string().min(1),
  /** Expected `iss` and `aud` claims. */
  JWT_ISSUER: z.string().min(1),
  JWT_AUDIENCE: z.string().min(1),
  /** How long the signing key versions are served from memory. */
  SIGNING_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
};

export const authorizerConfigSchema = z.object(jwtSettings);

export const apiConfigSchema = z.object({
  ORDERS_TABLE_NAME: z.string().min(1),
  /** Powertools idempotency records of POST /orders with an Idempotency-Key. */
  IDEMPOTENCY_TABLE_NAME: z.string().min(1),
  SIGNING_SECRET_ID: jwtSettings.SIGNING_SECRET_ID,
  SIGNING_KEY_CACHE_SECONDS: jwtSettings.SIGNING_KEY_CACHE_SECONDS,
});

export const publisherConfigSchema = z.object({
  // Not z.url(): local SQS emulators hand out URLs such as http://sqs.us-east-1.127.0.0.1:4566/...
  // that WHATWG URL parsing rejects, yet the SDK accepts.
  ORDER_EVENTS_QUEUE_URL: z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s) queue URL'),
  /** Where records that are not a valid order go, whole, for an operator to inspect. */
  PUBLISHER_DEAD_LETTER_QUEUE_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'must be an http(s) queue URL'),
});

export type AuthorizerConfig = z.output<typeof authorizerConfigSchema>;
export type ApiConfig = z.output<typeof apiConfigSchema>;
export type PublisherConfig = z.output<typeof publisherConfigSchema>;

/** AuthorizerFunction's settings. @throws {ConfigError} */
export const loadAuthorizerConfig = (env: Environment = processEnvironment()): AuthorizerConfig =>
  loadConfig(authorizerConfigSchema, env);

/** OrdersApiFunction's settings. @throws {ConfigError} */
export const loadApiConfig = (env: Environment = processEnvironment()): ApiConfig =>
  loadConfig(apiConfigSchema, env);

/** OrderEventsPublisherFunction's settings. @throws {ConfigError} */
export const loadPublisherConfig = (env: Environment = processEnvironment()): PublisherConfig =>
  loadConfig(publisherConfigSchema, env);
