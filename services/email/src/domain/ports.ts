/** One email to one recipient, with a plain-text and an HTML part. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** What the provider returns for an accepted email. */
export interface SentEmailReceipt {
  /** The provider's message id (SES MessageId), for tracing bounces and complaints. */
  messageId: string;
}

/**
 * Sends email. Implementations throw `EmailRejectedError` when the provider refuses the
 * message for good and `EmailProviderUnavailableError` when a retry may succeed.
 */
export interface EmailSender {
  send(email: OutgoingEmail): Promise<SentEmailReceipt>;
}
