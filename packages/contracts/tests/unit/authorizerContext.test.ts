import { describe, expect, it } from 'vitest';
import { authorizedCaller, TOKEN_CLOCK_TOLERANCE_SECONDS } from '../../src/authorizerContext.js';

const request = (lambda: unknown) => ({ requestContext: { authorizer: { lambda } } });
const NOW_MS = Date.UTC(2026, 11, 3, 10, 0, 0);
const NOW_S = NOW_MS / 1000;

describe('authorizedCaller', () => {
  it('returns the caller the authorizer vouched for', () => {
    const context = { customerId: 'c-1', email: 'ada@example.com', expiresAt: NOW_S + 60 };
    expect(authorizedCaller(request(context), NOW_MS)).toEqual({ ok: true, caller: context });
  });

  it('accepts a context cached by an authorizer that did not pass expiresAt yet', () => {
    expect(
      authorizedCaller(request({ customerId: 'c-1', email: 'ada@example.com' }), NOW_MS),
    ).toEqual({ ok: true, caller: { customerId: 'c-1', email: 'ada@example.com' } });
  });

  it('refuses a token whose expiry passed while the gateway still had its answer cached', () => {
    const context = (expiresAt: number) =>
      request({ customerId: 'c-1', email: 'a@b.co', expiresAt });
    const edge = NOW_S - TOKEN_CLOCK_TOLERANCE_SECONDS;
    expect(authorizedCaller(context(edge), NOW_MS).ok).toBe(true);
    expect(authorizedCaller(context(edge - 1), NOW_MS)).toEqual({
      ok: false,
      reason: 'expired_token',
    });
  });

  it.each([
    ['no authorizer context', { requestContext: {} }],
    ['an empty context', request({})],
    ['a customer id with #', request({ customerId: 'c#1', email: 'ada@example.com' })],
    ['no email', request({ customerId: 'c-1' })],
    [
      'an expiry that is not a whole number',
      request({ customerId: 'c-1', email: 'a@b.co', expiresAt: '1' }),
    ],
  ])('refuses %s as a missing token', (_case, event) => {
    expect(authorizedCaller(event, NOW_MS)).toEqual({ ok: false, reason: 'missing_token' });
  });
});
