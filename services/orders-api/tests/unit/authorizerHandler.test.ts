import { createLogger } from '@shop/common/logger';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createAuthorizerHandler } from '../../src/auth/authorizerHandler.js';
import { createTokenVerifier } from '../../src/auth/TokenVerifier.js';
import { lambdaContext } from '../support/fixtures.js';
import { AUDIENCE, ISSUER, KEY_1, KEY_2, signToken } from '../support/tokens.js';

const handler = createAuthorizerHandler({
  verifier: createTokenVerifier({
    keys: async () => ({ current: KEY_1 }),
    issuer: ISSUER,
    audience: AUDIENCE,
  }),
  logger: createLogger('orders-api', { logLevel: 'SILENT' }),
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
  it('passes the customer id and email of a valid token to the API', async () => {
    // Act
    const result = await handler(event(`Bearer ${await signToken(KEY_1)}`), lambdaContext());

    // Assess
    expect(result).toEqual({
      isAuthorized: true,
      context: { authenticated: true, customerId: 'cust-ada', email: 'ada@example.com' },
    });
  });

  it('reports a bad or missing token in the context for the API to answer 401', async () => {
    // Act
    const bad = await handler(event(`Bearer ${await signToken(KEY_2)}`), lambdaContext());
    const missing = await handler(event(), lambdaContext());

    // Assess
    expect(bad.context).toEqual({ authenticated: false, reason: 'invalid_token' });
    expect(missing.context).toEqual({ authenticated: false, reason: 'missing_token' });
    expect(bad.context).not.toHaveProperty('customerId');
  });
});
