import { setTimeout } from 'node:timers/promises';
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { EmailProviderUnavailableError, EmailRejectedError } from '../domain/errors.js';
import type { EmailSender, OutgoingEmail, SentEmailReceipt } from '../domain/ports.js';

// SES errors that will repeat for the same request: the message, recipient, sender or account
// setup is the problem. Every name here is an SES v2 SendEmail error.
const PERMANENT = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'BadRequestException',
  'NotFoundException',
  'AccessDeniedException',
]);

// Throttling: the SDK's own list (@smithy/service-error-classification) plus SES's names. An
// answered throttling error proves SES did not take the email.
const THROTTLING = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'SlowDown',
  'PriorRequestNotComplete',
]);

// Errors a later receive may not see: a paused account, expired credentials, timeouts.
const TRANSIENT = new Set([
  ...THROTTLING,
  'SendingPausedException',
  'ExpiredTokenException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

const httpStatus = (error: unknown): number | undefined =>
  (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;

const errorName = (error: unknown): string =>
  error instanceof Error ? error.name : 'UnknownError';

/**
 * True when SES answered the send with throttling or 503 (unavailable): it did not accept the
 * email, so sending again cannot make a duplicate. Other 5xx answers (500 InternalFailure, a
 * proxy's 502 or 504) can come after SES took the email, like a timeout, a dropped connection
 * or an aborted call, which have no answer at all: false (the next receive sends).
 *
 * @example
 * isRetryableRefusal(new TooManyRequestsException({ $metadata: { httpStatusCode: 429 }, message: '' }));
 * // true
 */
export const isRetryableRefusal = (error: unknown): boolean => {
  const status = httpStatus(error);
  if (status === undefined) return false;
  return status === 429 || status === 503 || THROTTLING.has(errorName(error));
};

const CHARSET = 'UTF-8';

/**
 * Map an SES (or network) error to a domain error: known permanent codes and other 4xx answers
 * are `EmailRejectedError`; throttling, 5xx and errors without an HTTP status (timeouts,
 * connection resets) are `EmailProviderUnavailableError`.
 *
 * @example
 * throw toEmailError(error);
 */
export const toEmailError = (error: unknown): Error => {
  const name = errorName(error);
  const status = httpStatus(error);
  if (PERMANENT.has(name)) return new EmailRejectedError(name, { cause: error });
  if (TRANSIENT.has(name) || status === undefined || status === 429 || status >= 500) {
    return new EmailProviderUnavailableError(name, { cause: error });
  }
  if (status >= 400) return new EmailRejectedError(name, { cause: error });
  return new EmailProviderUnavailableError(name, { cause: error });
};

/** How {@link SesEmailSender} retries a send SES refused with throttling or 503. */
export interface SendRetryPolicy {
  /** Attempts per send, the first one included. */
  attempts: number;
  /** Full jitter: before retry n, wait up to min(maxDelayMs, baseDelayMs x 2^(n-1)). */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Options for {@link SesEmailSender}. */
export interface SesEmailSenderOptions {
  client: SESv2Client;
  /** The verified sender address. */
  from: string;
  /** Optional SES configuration set (event publishing, dedicated IPs). */
  configurationSetName?: string | undefined;
  /** Retries of refused sends; default one attempt (no retry). Build the client with maxAttempts 1. */
  retry?: SendRetryPolicy;
  /** Waits between attempts (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
}

const NO_RETRY: SendRetryPolicy = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 };

/**
 * Sends email through SES v2 `SendEmail` with a text and an HTML part. SendEmail takes no
 * idempotency token, so a send is retried only when SES answered that it did not take the
 * email ({@link isRetryableRefusal}); an unknown outcome ends the send with an error and is
 * left to the SQS redelivery (at most one possibly accepted send per receive).
 */
export class SesEmailSender implements EmailSender {
  readonly #client: SESv2Client;
  readonly #from: string;
  readonly #configurationSetName: string | undefined;
  readonly #retry: SendRetryPolicy;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: SesEmailSenderOptions) {
    this.#client = options.client;
    this.#from = options.from;
    this.#configurationSetName = options.configurationSetName;
    this.#retry = options.retry ?? NO_RETRY;
    this.#sleep = options.sleep ?? ((ms) => setTimeout(ms).then(() => undefined));
  }

  async send(email: OutgoingEmail): Promise<SentEmailReceipt> {
    const command = new SendEmailCommand({
      FromEmailAddress: this.#from,
      Destination: { ToAddresses: [email.to] },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: CHARSET },
          Body: {
            Text: { Data: email.text, Charset: CHARSET },
            Html: { Data: email.html, Charset: CHARSET },
          },
        },
      },
      ...(this.#configurationSetName ? { ConfigurationSetName: this.#configurationSetName } : {}),
    });
    for (let attempt = 1; ; attempt += 1) {
      try {
        const output = await this.#client.send(command);
        return { messageId: output.MessageId ?? '' };
      } catch (error) {
        if (attempt >= this.#retry.attempts || !isRetryableRefusal(error)) {
          throw toEmailError(error);
        }
      }
      const ceiling = Math.min(
        this.#retry.maxDelayMs,
        this.#retry.baseDelayMs * 2 ** (attempt - 1),
      );
      await this.#sleep(Math.floor(Math.random() * ceiling));
    }
  }
}
