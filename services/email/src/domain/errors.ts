// Domain errors. Each one tells the record handler whether retrying can help: permanent errors
// end in the dead-letter queue for inspection, transient ones are handed back to SQS.

/** Why an SQS message body is not an order event this service can handle. */
export const INVALID_EVENT_REASONS = {
  malformedJson: 'malformed-json',
  notAnObject: 'not-an-object',
  unknownType: 'unknown-event-type',
  unsupportedVersion: 'unsupported-version',
  schemaInvalid: 'schema-invalid',
} as const;

export type InvalidEventReason = (typeof INVALID_EVENT_REASONS)[keyof typeof INVALID_EVENT_REASONS];

/**
 * The message body is not a valid order event (permanent). `problems` name fields and zod issue
 * codes only, never values, so they can be logged without leaking customer data.
 */
export class InvalidOrderEventError extends Error {
  readonly reason: InvalidEventReason;
  readonly problems: readonly string[];

  constructor(
    reason: InvalidEventReason,
    problems: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super(`Invalid order event: ${reason}`, options);
    this.name = 'InvalidOrderEventError';
    this.reason = reason;
    this.problems = problems;
  }
}

/**
 * The email provider refused this message and will refuse it again (permanent): rejected
 * content or recipient, unverified sender domain, bad request. `code` is the provider's error
 * name; its message is not kept because it may quote addresses.
 */
export class EmailRejectedError extends Error {
  readonly code: string;

  constructor(code: string, options?: ErrorOptions) {
    super(`Email rejected by the provider: ${code}`, options);
    this.name = 'EmailRejectedError';
    this.code = code;
  }
}

/** The email provider could not be reached or asked us to slow down (transient). */
export class EmailProviderUnavailableError extends Error {
  readonly code: string;

  constructor(code: string, options?: ErrorOptions) {
    super(`Email provider unavailable: ${code}`, options);
    this.name = 'EmailProviderUnavailableError';
    this.code = code;
  }
}

/** Too little invocation time is left to start this record safely (transient). */
export class TimeBudgetExhaustedError extends Error {
  readonly remainingMs: number;

  constructor(remainingMs: number, options?: ErrorOptions) {
    super(`Only ${remainingMs} ms left in this invocation; record not started`, options);
    this.name = 'TimeBudgetExhaustedError';
    this.remainingMs = remainingMs;
  }
}
