import { type HttpResponse, jsonResponse } from './response.js';

/** Options every {@link AppError} accepts on top of the standard `ErrorOptions`. */
export interface AppErrorOptions extends ErrorOptions {
  /** Extra, client-safe data for 4xx answers, e.g. field-level validation problems. */
  details?: unknown;
}

/**
 * Base class of every error the services raise on purpose. It carries an HTTP status and a
 * stable machine-readable `code`; `cause` survives for logging.
 *
 * @example
 * throw new NotFoundError('Order not found', { cause: err });
 */
export class AppError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly details?: unknown;

  constructor(message: string, statusCode: number, code: string, options?: AppErrorOptions) {
    super(message, options);
    this.name = 'AppError';
    this.statusCode = statusCode;
    this.code = code;
    this.details = options?.details;
  }

  /** 4xx messages are written for the caller; 5xx messages are for the logs only. */
  get expose(): boolean {
    return this.statusCode < 500;
  }
}

/** 400: the request is malformed or fails validation (put field problems in `details`). */
export class BadRequestError extends AppError {
  constructor(message = 'Bad request', options?: AppErrorOptions) {
    super(message, 400, 'BAD_REQUEST', options);
    this.name = 'BadRequestError';
  }
}

/** 401: no credentials, or credentials that do not verify. */
export class UnauthorizedError extends AppError {
  constructor(message = 'Unauthorized', options?: AppErrorOptions) {
    super(message, 401, 'UNAUTHORIZED', options);
    this.name = 'UnauthorizedError';
  }
}

/** 403: authenticated, but not allowed to do this. */
export class ForbiddenError extends AppError {
  constructor(message = 'Forbidden', options?: AppErrorOptions) {
    super(message, 403, 'FORBIDDEN', options);
    this.name = 'ForbiddenError';
  }
}

/** 404: no such resource (for this caller). */
export class NotFoundError extends AppError {
  constructor(message = 'Not found', options?: AppErrorOptions) {
    super(message, 404, 'NOT_FOUND', options);
    this.name = 'NotFoundError';
  }
}

/** 409: the resource is in a state that does not allow the request. */
export class ConflictError extends AppError {
  constructor(message = 'Conflict', options?: AppErrorOptions) {
    super(message, 409, 'CONFLICT', options);
    this.name = 'ConflictError';
  }
}

/** 413: the request body is over the size limit. */
export class PayloadTooLargeError extends AppError {
  constructor(message = 'Payload too large', options?: AppErrorOptions) {
    super(message, 413, 'PAYLOAD_TOO_LARGE', options);
    this.name = 'PayloadTooLargeError';
  }
}

/** 415: the request body is not in a media type the endpoint accepts. */
export class UnsupportedMediaTypeError extends AppError {
  constructor(message = 'Unsupported media type', options?: AppErrorOptions) {
    super(message, 415, 'UNSUPPORTED_MEDIA_TYPE', options);
    this.name = 'UnsupportedMediaTypeError';
  }
}

/** 422: well-formed, but semantically unacceptable (e.g. an idempotency key reused). */
export class UnprocessableEntityError extends AppError {
  constructor(message = 'Unprocessable entity', options?: AppErrorOptions) {
    super(message, 422, 'UNPROCESSABLE_ENTITY', options);
    this.name = 'UnprocessableEntityError';
  }
}

/** 429: the caller is over a rate limit. */
export class TooManyRequestsError extends AppError {
  constructor(message = 'Too many requests', options?: AppErrorOptions) {
    super(message, 429, 'TOO_MANY_REQUESTS', options);
    this.name = 'TooManyRequestsError';
  }
}

/** 503: a dependency is unavailable; the caller may retry (with the same idempotency key). */
export class ServiceUnavailableError extends AppError {
  constructor(message = 'Service unavailable', options?: AppErrorOptions) {
    super(message, 503, 'SERVICE_UNAVAILABLE', options);
    this.name = 'ServiceUnavailableError';
  }
}

/** The JSON error envelope every API answers with. */
export interface ErrorEnvelope {
  error: { code: string; message: string; requestId: string; details?: unknown };
}

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
export const isDependencyUnavailable = (error: unknown, depth = 0): boolean => {
  if (!(error instanceof Error) || depth > 8) return false;
  const code = (error as { code?: unknown }).code;
  if (UNAVAILABLE_NAMES.has(error.name)) return true;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 429)
    return true;
  return isDependencyUnavailable(error.cause, depth + 1);
};

const GENERIC_MESSAGES: Record<number, string> = {
  // Not "retry the same request": a write without an idempotency key may have been applied.
  503: 'The service is temporarily unavailable; retry later.',
};
const INTERNAL_MESSAGE = 'Internal server error';

/**
 * Map any thrown value to an HTTP response with the common envelope. 4xx {@link AppError}s
 * expose their message and details; everything else answers a generic message with the request
 * id, so nothing internal (stack, SDK error, table name) reaches the caller.
 *
 * @example
 * try { ... } catch (error) { return toHttpResponse(error, context.awsRequestId); }
 * // { statusCode: 404, body: '{"error":{"code":"NOT_FOUND","message":"Order not found",...}}' }
 */
export const toHttpResponse = (error: unknown, requestId: string): HttpResponse => {
  if (error instanceof AppError && error.expose) {
    const envelope: ErrorEnvelope = {
      error: {
        code: error.code,
        message: error.message,
        requestId,
        ...(error.details === undefined ? {} : { details: error.details }),
      },
    };
    return jsonResponse(error.statusCode, envelope);
  }
  // A dependency that timed out or throttled (the invocation's AWS deadline included) is a
  // 503 with Retry-After, not the caller's fault and not a bug.
  const unavailable = !(error instanceof AppError) && isDependencyUnavailable(error);
  const statusCode = error instanceof AppError ? error.statusCode : unavailable ? 503 : 500;
  const code =
    error instanceof AppError ? error.code : unavailable ? 'SERVICE_UNAVAILABLE' : 'INTERNAL';
  const envelope: ErrorEnvelope = {
    error: { code, message: GENERIC_MESSAGES[statusCode] ?? INTERNAL_MESSAGE, requestId },
  };
  return jsonResponse(statusCode, envelope, statusCode === 503 ? { 'retry-after': '1' } : {});
};
