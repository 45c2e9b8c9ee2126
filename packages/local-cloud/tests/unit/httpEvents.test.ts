import { describe, expect, it } from 'vitest';
import type { RouteModel } from '../../src/provision/model.js';
import { policyAllows } from '../../src/triggers/http/authorizer.js';
import {
  type HttpRequest,
  httpApiEvent,
  isTextContent,
  mapLambdaResponse,
  requestParts,
} from '../../src/triggers/http/httpEvents.js';
import { matchRoute } from '../../src/triggers/http/routes.js';

const route = (method: string, path: string): RouteModel => ({
  routeKey: path === '$default' ? '$default' : `${method} ${path}`,
  method,
  path,
  functionId: `${method}${path}`,
  payloadFormatVersion: '2.0',
  timeoutMs: 30_000,
});

const routes = [
  route('GET', '/orders'),
  route('GET', '/orders/{orderId}'),
  route('POST', '/orders/{orderId}/cancel'),
  route('GET', '/orders/latest'),
  route('ANY', '/orders/{orderId}'),
  route('ANY', '/files/{proxy+}'),
];

describe('matchRoute', () => {
  it.each([
    ['GET', '/orders', 'GET /orders', {}],
    ['GET', '/orders/latest', 'GET /orders/latest', {}],
    ['GET', '/orders/o%201', 'GET /orders/{orderId}', { orderId: 'o 1' }],
    ['DELETE', '/orders/o1', 'ANY /orders/{orderId}', { orderId: 'o1' }],
    ['POST', '/orders/o1/cancel', 'POST /orders/{orderId}/cancel', { orderId: 'o1' }],
    ['GET', '/files/a/b/c.txt', 'ANY /files/{proxy+}', { proxy: 'a/b/c.txt' }],
  ])('%s %s -> %s', (method, path, routeKey, pathParameters) => {
    // Act
    const match = matchRoute(routes, method, path);

    // Assess
    expect(match?.route.routeKey).toBe(routeKey);
    expect(match?.pathParameters).toEqual(pathParameters);
  });

  it('finds nothing for unknown paths, or the $default route when there is one', () => {
    // Act / Assess
    expect(matchRoute(routes, 'GET', '/nope')).toBeUndefined();
    expect(matchRoute(routes, 'GET', '/files')).toBeUndefined();
    expect(matchRoute([...routes, route('ANY', '$default')], 'GET', '/nope')?.route.routeKey).toBe(
      '$default',
    );
  });
});

const request = (overrides: Partial<HttpRequest> = {}): HttpRequest => ({
  method: 'POST',
  url: '/orders?tag=a&tag=b&q=x%20y',
  headers: {
    host: '127.0.0.1:3000',
    'content-type': 'application/json',
    cookie: 'a=1; b=2',
    'user-agent': 'test',
  },
  body: Buffer.from('{"x":1}'),
  sourceIp: '127.0.0.1',
  protocol: 'HTTP/1.1',
  ...overrides,
});
const api = { apiId: 'abc123', accountId: '000000000000', region: 'us-east-1', stage: '$default' };

describe('httpApiEvent', () => {
  it('builds the payload 2.0 event', () => {
    // Prepare
    const match = { route: route('POST', '/orders'), pathParameters: {} };
    const parts = requestParts(
      request(),
      api,
      'POST /orders',
      'req-1',
      new Date('2026-03-12T19:03:58Z'),
    );

    // Act
    const event = httpApiEvent(request(), match, parts, { lambda: { customerId: 'c-1' } });

    // Assess
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /orders',
      rawPath: '/orders',
      rawQueryString: 'tag=a&tag=b&q=x%20y',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { tag: 'a,b', q: 'x y' },
      body: '{"x":1}',
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'abc123',
        domainName: '127.0.0.1:3000',
        http: {
          method: 'POST',
          path: '/orders',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'test',
        },
        requestId: 'req-1',
        routeKey: 'POST /orders',
        stage: '$default',
        time: '12/Mar/2026:19:03:58 +0000',
        timeEpoch: Date.parse('2026-03-12T19:03:58Z'),
        authorizer: { lambda: { customerId: 'c-1' } },
      },
    });
    expect(event).not.toHaveProperty('pathParameters');
    expect((event.headers as Record<string, string>).cookie).toBeUndefined();
  });

  it('base64-encodes binary bodies', () => {
    // Prepare
    const binary = request({
      headers: { 'content-type': 'image/png' },
      body: Buffer.from([0, 255]),
    });
    const parts = requestParts(binary, api, 'POST /orders', 'req-2');

    // Act
    const event = httpApiEvent(
      binary,
      { route: route('POST', '/orders'), pathParameters: {} },
      parts,
    );

    // Assess
    expect(event).toMatchObject({ body: 'AP8=', isBase64Encoded: true });
  });

  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['text/csv', true],
    ['application/problem+json', true],
    ['application/x-www-form-urlencoded', true],
    ['image/jpeg', false],
    ['application/octet-stream', false],
    [undefined, false],
  ])('treats %s as text: %s', (type, text) => {
    // Act / Assess
    expect(isTextContent(type)).toBe(text);
  });
});

describe('mapLambdaResponse', () => {
  it('takes statusCode, headers, cookies and a base64 body from a structured response', () => {
    // Act
    const response = mapLambdaResponse(
      JSON.stringify({
        statusCode: 201,
        headers: { 'Content-Type': 'image/png' },
        cookies: ['a=1'],
        body: 'AP8=',
        isBase64Encoded: true,
      }),
    );

    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.headers).toEqual({ 'content-type': 'image/png' });
    expect(response.cookies).toEqual(['a=1']);
    expect([...response.body]).toEqual([0, 255]);
  });

  it('answers 200 application/json for any other JSON value', () => {
    // Act
    const object = mapLambdaResponse('{"hello":"world"}');
    const text = mapLambdaResponse('"plain"');

    // Assess
    expect(object).toMatchObject({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
    });
    expect(object.body.toString()).toBe('{"hello":"world"}');
    expect(text.body.toString()).toBe('plain');
  });

  it('answers 500 for a malformed response', () => {
    // Act / Assess
    expect(mapLambdaResponse('{"statusCode":"abc"}').statusCode).toBe(500);
    expect(mapLambdaResponse('not json').statusCode).toBe(500);
  });
});

describe('policyAllows', () => {
  const arn = 'arn:aws:execute-api:us-east-1:000000000000:abc/$default/GET/orders';
  const statement = (Effect: string, Resource: string) => ({
    Action: 'execute-api:Invoke',
    Effect,
    Resource,
  });

  it('allows a matching Allow, lets Deny win, and allows nothing by default', () => {
    // Act / Assess
    expect(
      policyAllows({ Statement: [statement('Allow', 'arn:aws:execute-api:*:*:abc/*')] }, arn),
    ).toBe(true);
    expect(
      policyAllows(
        {
          Statement: [
            statement('Allow', '*'),
            statement('Deny', 'arn:aws:execute-api:*:*:abc/$default/GET/*'),
          ],
        },
        arn,
      ),
    ).toBe(false);
    expect(
      policyAllows({ Statement: [statement('Allow', 'arn:aws:execute-api:*:*:other/*')] }, arn),
    ).toBe(false);
  });
});
