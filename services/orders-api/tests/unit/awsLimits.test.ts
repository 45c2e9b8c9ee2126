import { AwsDeadlineExceededError } from '@shop/common/aws';
import { toHttpResponse } from '@shop/common/errors';
import { awsLimitsProblems } from '@shop/testing/awsLimits';
import { describe, expect, it } from 'vitest';
import { toAppError } from '../../src/app/errorMapping.js';
import { AWS_LIMITS } from '../../src/config.js';
import { OrderNotFoundError } from '../../src/domain/errors.js';

const FUNCTIONS = [
  ['OrdersApiFunction', AWS_LIMITS.api],
  ['AuthorizerFunction', AWS_LIMITS.authorizer],
  ['OrderEventsPublisherFunction', AWS_LIMITS.publisher],
] as const;

describe('AWS_LIMITS', () => {
  it.each(FUNCTIONS)('lets one call of %s end before its deadline', (name, limits) => {
    // Act / Assess
    expect(awsLimitsProblems(limits, name)).toEqual([]);
  });
});

describe('toAppError, then toHttpResponse', () => {
  const sdkError = (name: string, extra: object = {}) =>
    Object.assign(new Error(`${name} from the SDK`), { name, ...extra });

  it.each([
    ['the invocation deadline', new AwsDeadlineExceededError('budget ran out')],
    ['a per-attempt timeout', sdkError('TimeoutError', { code: 'ETIMEDOUT' })],
    ['throttling', sdkError('ThrottlingException', { $metadata: { httpStatusCode: 400 } })],
    ['DynamoDB capacity', sdkError('ProvisionedThroughputExceededException')],
    ['a 429', sdkError('SomethingElse', { $metadata: { httpStatusCode: 429 } })],
    [
      'a timeout wrapped by Powertools',
      new Error('Failed to put record', { cause: sdkError('TimeoutError') }),
    ],
  ])('turns %s into a 503 with Retry-After', (_, error) => {
    // Act
    const mapped = toAppError(error);
    const response = toHttpResponse(mapped, 'req-1');

    // Assess
    expect(mapped).toBe(error);
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(JSON.parse(response.body ?? '{}').error.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('leaves other failures alone', () => {
    // Prepare
    const validation = sdkError('ValidationException', { $metadata: { httpStatusCode: 400 } });

    // Act / Assess
    expect(toAppError(validation)).toBe(validation);
    expect(toHttpResponse(toAppError(new Error('boom')), 'req-1').statusCode).toBe(500);
    expect(toHttpResponse(toAppError(new OrderNotFoundError('o-1')), 'req-1').statusCode).toBe(404);
  });
});
