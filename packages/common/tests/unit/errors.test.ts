import { describe, expect, it } from 'vitest';
import {
  AppError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  TooManyRequestsError,
  toHttpResponse,
  UnauthorizedError,
  UnprocessableEntityError,
  UnsupportedMediaTypeError,
} from '../../src/errors.js';

const body = (response: { body?: string }) => JSON.parse(response.body ?? 'null');

describe('HTTP errors', () => {
  it.each([
    [new BadRequestError(), 400, 'BAD_REQUEST'],
    [new UnauthorizedError(), 401, 'UNAUTHORIZED'],
    [new ForbiddenError(), 403, 'FORBIDDEN'],
    [new NotFoundError(), 404, 'NOT_FOUND'],
    [new ConflictError(), 409, 'CONFLICT'],
    [new PayloadTooLargeError(), 413, 'PAYLOAD_TOO_LARGE'],
    [new UnsupportedMediaTypeError(), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [new UnprocessableEntityError(), 422, 'UNPROCESSABLE_ENTITY'],
    [new TooManyRequestsError(), 429, 'TOO_MANY_REQUESTS'],
    [new ServiceUnavailableError(), 503, 'SERVICE_UNAVAILABLE'],
  ])('%s carries status %i and code %s', (error, statusCode, code) => {
    expect(error).toBeInstanceOf(AppError);
    expect(error.statusCode).toBe(statusCode);
    expect(error.code).toBe(code);
    expect(error.name).toBe(error.constructor.name);
  });

  it('keeps the cause', () => {
    const cause = new Error('conditional check failed');
    expect(new ConflictError('Order is not cancellable', { cause }).cause).toBe(cause);
  });
});

describe('toHttpResponse', () => {
  it('exposes a 4xx message and its details in the envelope', () => {
    // Act
    const response = toHttpResponse(
      new BadRequestError('Invalid order', { details: [{ path: 'items', message: 'required' }] }),
      'req-1',
    );

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(body(response)).toEqual({
      error: {
        code: 'BAD_REQUEST',
        message: 'Invalid order',
        requestId: 'req-1',
        details: [{ path: 'items', message: 'required' }],
      },
    });
  });

  it('answers a dependency that timed out or throttled with 503 and Retry-After', () => {
    // Prepare: the AWS deadline as withDeadline raises it, and throttling wrapped by a library.
    const deadline = Object.assign(new Error('the time budget ran out (12 ms)'), {
      name: 'AwsDeadlineExceededError',
    });
    const throttled = new Error('idempotency store failed', {
      cause: Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
    });

    // Act
    const responses = [deadline, throttled].map((error) => toHttpResponse(error, 'req-3'));

    // Assess
    for (const response of responses) {
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('1');
      expect(body(response).error.code).toBe('SERVICE_UNAVAILABLE');
      expect(response.body).not.toContain('budget');
    }
  });

  it('answers an unexpected error with a generic 500 that reveals nothing', () => {
    // Act
    const response = toHttpResponse(new Error('Table orders-prod: access denied'), 'req-2');

    // Assess
    expect(response.statusCode).toBe(500);
    expect(body(response)).toEqual({
      error: { code: 'INTERNAL', message: 'Internal server error', requestId: 'req-2' },
    });
    expect(response.body).not.toContain('orders-prod');
  });

  it('answers a 503 with a generic retry message and Retry-After', () => {
    const response = toHttpResponse(new ServiceUnavailableError('SQS timed out on queue x'), 'r');
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(body(response).error.code).toBe('SERVICE_UNAVAILABLE');
    expect(response.body).not.toContain('queue x');
  });

  it('handles values that are not errors', () => {
    expect(toHttpResponse('boom', 'r').statusCode).toBe(500);
    expect(toHttpResponse(undefined, 'r').statusCode).toBe(500);
  });
});
