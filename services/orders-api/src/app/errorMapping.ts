import {
  AppError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  UnprocessableEntityError,
} from '@shop/common/errors';
import {
  IdempotencyKeyReusedError,
  IdempotentRequestInProgressError,
  InvalidCursorError,
  OrderNotCancellableError,
  OrderNotFoundError,
} from '../domain/errors.js';

// SDK errors that mean "a dependency is slow or shedding load; retry later": the invocation
// deadline (AwsDeadlineExceededError), per-attempt timeouts and aborts, and throttling that
// outlived its retries.
const UNAVAILABLE_NAMES = new Set([
  'AwsDeadlineExceededError',
  'TimeoutError',
  'AbortError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);
const UNAVAILABLE_CODES = new Set(['ETIMEDOUT', 'ECONNRESET', 'ECONNREFUSED']);

/** A dependency timed out or throttled, here or anywhere down the `cause` chain (Powertools wraps). */
const isDependencyUnavailable = (error: unknown, depth = 0): boolean => {
  if (!(error instanceof Error) || depth > 8) return false;
  const code = (error as { code?: unknown }).code;
  if (UNAVAILABLE_NAMES.has(error.name)) return true;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 429)
    return true;
  return isDependencyUnavailable(error.cause, depth + 1);
};

/**
 * Domain errors in HTTP terms. A dependency that timed out or throttled becomes a 503 with
 * Retry-After (the caller retries, with the same Idempotency-Key). Unknown errors pass through
 * unchanged and become a 500 with a generic message (toHttpResponse never exposes them).
 *
 * @example
 * return toHttpResponse(toAppError(error), context.awsRequestId);
 */
export const toAppError = (error: unknown): unknown => {
  if (error instanceof AppError) return error;
  if (error instanceof OrderNotFoundError)
    return new NotFoundError('Order not found', { cause: error });
  if (error instanceof OrderNotCancellableError) {
    return new ConflictError(
      `Only a PLACED order can be cancelled; this order is ${error.status}`,
      {
        cause: error,
        details: { status: error.status },
      },
    );
  }
  if (error instanceof IdempotentRequestInProgressError) {
    return new ConflictError(error.message, { cause: error });
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return new UnprocessableEntityError(error.message, { cause: error });
  }
  if (error instanceof InvalidCursorError) {
    return new BadRequestError('Invalid cursor', {
      cause: error,
      details: [{ field: 'cursor', message: 'Not a cursor issued by this API for this caller' }],
    });
  }
  if (isDependencyUnavailable(error)) {
    return new ServiceUnavailableError('A dependency timed out or throttled', { cause: error });
  }
  return error;
};
