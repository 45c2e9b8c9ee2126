import {
  AppError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  UnprocessableEntityError,
} from '@shop/common/errors';
import {
  IdempotencyKeyReusedError,
  IdempotentRequestInProgressError,
  InvalidCursorError,
  OrderNotCancellableError,
  OrderNotFoundError,
} from '../domain/errors.js';

/**
 * Domain errors in HTTP terms. Anything else passes through unchanged for toHttpResponse: a
 * dependency that timed out or throttled becomes a 503 with Retry-After there (the caller
 * retries, with the same Idempotency-Key), and unknown errors a 500 with a generic message.
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
  return error;
};
