import { lambdaContext } from '@shop/testing/lambda';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createJoseTokenVerifier } from '../../src/adapters/JoseTokenVerifier.js';
import { createAuthorizerHandler } from '../../src/app/createAuthorizerHandler.js';

import { silentLogger } from '../support/apiHarness.js';
import { AUDIENCE, ISSUER, KEY_1, KEY_2, signToken } from '../support/tokens.js';

const handler = createAuthorizerHandler({
  verifier: createJoseTokenVerifier({
    keys: { current: async () => ({ current: KEY_1 }) },
    issuer: ISSUER,
    audience: AUDIENCE,
  }),
  logger: silentLogger(),
});

const event = (authorization?: string): APIGatewayRequestAuthorizerEventV2 =>
  ({
    version: '2.0',
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/$default/GET/orders',
    identitySource: authorization ? [authorization] : [],
    routeKey: 'GET /orders',
    rawPath: '/orders',
    rawQueryString: '',
    headers: authorization ? { authorization } : {},
    requestContext: { requestId: 'r-1', routeKey: 'GET /orders', stage: '$default' },
  }) as unknown as APIGatewayRequestAuthorizerEventV2;

describe('authorizer handler', () => {
  it('authorizes a valid token and passes the customer id, email and expiry to the API', async () => {
    // Prepare
    const exp = Math.floor(Date.now() / 1000) + 600;

    // Act
    const result = await handler(
      event(`Bearer ${await signToken(KEY_1, { exp })}`),
      lambdaContext(),
    );

    // Assess
    expect(result).toEqual({
      isAuthorized: true,
      context: { customerId: 'cust-ada', email: 'ada@example.com', expiresAt: exp },
    });
  });

  it('denies a bad, expired or missing token, with nothing in the context', async () => {
    // Act
    const results = await Promise.all([
      handler(event(`Bearer ${await signToken(KEY_2)}`), lambdaContext()),
      handler(event(`Bearer ${await signToken(KEY_1, { now: 1_000_000 })}`), lambdaContext()),
      handler(event('Basic dXNlcjpwYXNz'), lambdaContext()),
      handler(event(), lambdaContext()),
    ]);

    // Assess
    for (const result of results) expect(result).toEqual({ isAuthorized: false });
  });
});
