import { describe, expect, it } from 'vitest';
import { authorizedCaller } from '../../src/authorizerContext.js';

const request = (lambda: unknown) => ({ requestContext: { authorizer: { lambda } } });

describe('authorizedCaller', () => {
  it('returns the caller the authorizer vouched for', () => {
    expect(authorizedCaller(request({ customerId: 'c-1', email: 'ada@example.com' }))).toEqual({
      customerId: 'c-1',
      email: 'ada@example.com',
    });
  });

  it.each([
    ['no authorizer context', { requestContext: {} }],
    ['an empty context', request({})],
    ['a customer id with #', request({ customerId: 'c#1', email: 'ada@example.com' })],
    ['no email', request({ customerId: 'c-1' })],
  ])('returns nothing for %s', (_case, event) => {
    expect(authorizedCaller(event)).toBeUndefined();
  });
});
