import {
  EmailProviderUnavailableError,
  EmailRejectedError,
  InvalidOrderEventError,
  TimeBudgetExhaustedError,
} from './errors.js';

/** How a failed record is handled. */
export const FAILURE_KINDS = {
  /** Retrying cannot help: report once, let the redrive policy move it to the DLQ. */
  permanent: 'permanent',
  /** Retrying may help: hand the record back to SQS. */
  transient: 'transient',
} as const;

export type FailureKind = (typeof FAILURE_KINDS)[keyof typeof FAILURE_KINDS];

/** A failure's kind and a short, PII-free reason for logs and metrics. */
export interface FailureClassification {
  kind: FailureKind;
  reason: string;
  /** Field-level problems of an invalid event (names and codes only). */
  problems?: readonly string[];
}

/**
 * Decide whether a record's failure is permanent or transient. Only errors known to be
 * permanent are; anything unexpected (SDK timeouts, idempotency store errors, a concurrent
 * execution of the same event, bugs) is retried, and ends in the DLQ after `maxReceiveCount`
 * receives if it keeps failing, so nothing is dropped either way.
 *
 * @example
 * classifyFailure(new EmailRejectedError('MessageRejected'));
 * // { kind: 'permanent', reason: 'email-rejected:MessageRejected' }
 */
export const classifyFailure = (error: unknown): FailureClassification => {
  if (error instanceof InvalidOrderEventError) {
    return {
      kind: FAILURE_KINDS.permanent,
      reason: error.reason,
      ...(error.problems.length > 0 ? { problems: error.problems } : {}),
    };
  }
  if (error instanceof EmailRejectedError) {
    return { kind: FAILURE_KINDS.permanent, reason: `email-rejected:${error.code}` };
  }
  if (error instanceof EmailProviderUnavailableError) {
    return { kind: FAILURE_KINDS.transient, reason: `email-provider-unavailable:${error.code}` };
  }
  if (error instanceof TimeBudgetExhaustedError) {
    return { kind: FAILURE_KINDS.transient, reason: 'time-budget-exhausted' };
  }
  if (error instanceof Error) return { kind: FAILURE_KINDS.transient, reason: error.name };
  return { kind: FAILURE_KINDS.transient, reason: 'unknown' };
};
