import { describe, expect, it } from 'vitest';
import type { AuthorizerModel } from '../../src/provision/model.js';
import {
  Authorizers,
  identityValue,
  MAX_CACHED_ANSWERS,
} from '../../src/triggers/http/authorizer.js';
import type { RequestParts } from '../../src/triggers/http/httpEvents.js';
import type { RouteMatch } from '../../src/triggers/http/routes.js';

const api = { apiId: 'api1', accountId: '000000000000', region: 'us-east-1', stage: '$default' };
const match = {
  route: { routeKey: 'GET /orders', method: 'GET', path: '/orders' },
  pathParameters: {},
} as unknown as RouteMatch;
const parts = (token: string): RequestParts => ({
  rawPath: '/orders',
  rawQueryString: '',
  headers: { authorization: token },
  cookies: [],
  requestContext: { http: { method: 'GET', sourceIp: '203.0.113.7' } },
});
const authorizer = (ttlSeconds: number): AuthorizerModel => ({
  name: 'Lambda',
  kind: 'lambda',
  functionId: 'AuthorizerFunction',
  payloadFormatVersion: '2.0',
  simpleResponses: true,
  identitySource: ['$request.header.Authorization'],
  resultTtlSeconds: ttlSeconds,
});
const allowing = () => {
  const calls: unknown[] = [];
  const invoke = async (_id: string, event: unknown) => {
    calls.push(event);
    return { requestId: 'r', ok: true, durationMs: 1, payload: '{"isAuthorized":true}' };
  };
  return { calls, authorizers: new Authorizers(invoke, () => undefined) };
};

describe('Authorizers', () => {
  it('answers a repeated identity from its cache while the TTL lasts', async () => {
    // Prepare
    const { calls, authorizers } = allowing();

    // Act
    const first = await authorizers.authorize(authorizer(300), api, match, parts('Bearer a'));
    const second = await authorizers.authorize(authorizer(300), api, match, parts('Bearer a'));

    // Assess
    expect([first.allowed, second.allowed]).toEqual([true, true]);
    expect(calls).toHaveLength(1);
  });

  it('keeps at most MAX_CACHED_ANSWERS answers, however many tokens it sees', async () => {
    // Prepare
    const { calls, authorizers } = allowing();
    const tokens = MAX_CACHED_ANSWERS + 25;

    // Act
    for (let i = 0; i < tokens; i++) {
      await authorizers.authorize(authorizer(300), api, match, parts(`Bearer ${i}`));
    }
    await authorizers.authorize(authorizer(300), api, match, parts(`Bearer ${tokens - 1}`));

    // Assess: the newest answers stay cached; the oldest went first.
    expect(authorizers.cachedAnswers).toBe(MAX_CACHED_ANSWERS);
    expect(calls).toHaveLength(tokens);
    await authorizers.authorize(authorizer(300), api, match, parts('Bearer 0'));
    expect(calls).toHaveLength(tokens + 1);
  });
});

describe('identityValue', () => {
  it("reads $context.identity.sourceIp from the request's HTTP context", () => {
    // Act / Assess
    expect(identityValue('$context.identity.sourceIp', parts('t'))).toBe('203.0.113.7');
    expect(identityValue('$request.header.Authorization', parts('t'))).toBe('t');
  });
});
