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

// Errors a later attempt may not see: throttling, quotas, a paused account, expired
// credentials, timeouts and network failures.
const TRANSIENT = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'SendingPausedException',
  'ThrottlingException',
  'ExpiredTokenException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

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
  const name = error instanceof Error ? error.name : 'UnknownError';
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode;
  if (PERMANENT.has(name)) return new EmailRejectedError(name, { cause: error });
  if (TRANSIENT.has(name) || status === undefined || status === 429 || status >= 500) {
    return new EmailProviderUnavailableError(name, { cause: error });
  }
  if (status >= 400) return new EmailRejectedError(name, { cause: error });
  return new EmailProviderUnavailableError(name, { cause: error });
};

/** Options for {@link SesEmailSender}. */
export interface SesEmailSenderOptions {
  client: SESv2Client;
  /** The verified sender address. */
  from: string;
  /** Optional SES configuration set (event publishing, dedicated IPs). */
  configurationSetName?: string | undefined;
}

/** Sends email through SES v2 `SendEmail` with a text and an HTML part. */
export class SesEmailSender implements EmailSender {
  readonly #client: SESv2Client;
  readonly #from: string;
  readonly #configurationSetName: string | undefined;

  constructor(options: SesEmailSenderOptions) {
    this.#client = options.client;
    this.#from = options.from;
    this.#configurationSetName = options.configurationSetName;
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
    try {
      const output = await this.#client.send(command);
      return { messageId: output.MessageId ?? '' };
    } catch (error) {
      throw toEmailError(error);
    }
  }
}
