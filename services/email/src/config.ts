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
