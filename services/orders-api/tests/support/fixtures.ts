import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ApiEvent } from '../../src/app/createApiHandler.js';
import { buildOrder, type Order } from '../../src/domain/Order.js';
import { validatePlaceOrderRequest } from '../../src/domain/orderRequest.js';

/** A valid POST /orders body (prices in cents). */
export const validOrderBody = () => ({
  items: [
    { sku: 'MUG-001', quantity: 2, unitPrice: 1250 },
    { sku: 'TEE-042', quantity: 1, unitPrice: 2999 },
  ],
  currency: 'EUR',
  shippingAddress: {
    name: 'Ada Lovelace',
    line1: '12 Analytical Row',
    city: 'London',
    postalCode: 'N1 7AA',
    country: 'GB',
  },
  note: 'Leave at the door',
});

export const customer = { id: 'cust-ada', email: 'ada@example.com' };
/** The `exp` of the sample events' token (2100-01-01), which the authorizer passes on. */
export const TOKEN_EXPIRES_AT = 4_102_444_800;

/** A PLACED order of {@link validOrderBody}, by default {@link customer}'s at 10:00 on 1 March. */
export const sampleOrder = (
  orderId: string,
  { customerId = customer.id, createdAt = '2026-03-01T10:00:00.000Z' } = {},
): Order => {
  const parsed = validatePlaceOrderRequest(validOrderBody());
  if (!parsed.success) throw new Error('fixture is invalid');
  return buildOrder({ orderId, customerId, createdAt, request: parsed.request });
};

/** The same order, cancelled five minutes after the default creation time. */
export const cancelledOrder = (order: Order): Order => ({
  ...order,
  status: 'CANCELLED',
  cancelledAt: '2026-03-01T10:05:00.000Z',
});
export const otherCustomer = { id: 'cust-bob', email: 'bob@example.com' };

/** An HTTP API payload 2.0 event as API Gateway sends it after the authorizer ran. */
export const apiEvent = (
  routeKey: string,
  options: {
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    pathParameters?: Record<string, string>;
    query?: Record<string, string>;
    authorizer?: Record<string, unknown> | null;
    who?: { id: string; email: string };
  } = {},
): ApiEvent => {
  const [method = 'GET', routePath = '/'] = routeKey.split(' ');
  const path = routePath.replace(
    /\{(\w+)\}/g,
    (_m, name: string) => options.pathParameters?.[name] ?? '',
  );
  const who = options.who ?? customer;
  const body =
    options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const authorizer =
    options.authorizer === null
      ? undefined
      : {
          lambda: options.authorizer ?? {
            customerId: who.id,
            email: who.email,
            expiresAt: TOKEN_EXPIRES_AT,
          },
        };
  const event = {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: {
      'content-type': 'application/json',
      ...(options.headers ?? {}),
    },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abcdef123',
      domainName: 'abcdef123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abcdef123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
      requestId: 'api-request-1',
      routeKey,
      stage: '$default',
      time: '01/Mar/2026:10:00:00 +0000',
      timeEpoch: 1772359200000,
      ...(authorizer ? { authorizer } : {}),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  } satisfies Omit<APIGatewayProxyEventV2, 'requestContext'> & { requestContext: unknown };
  return event as unknown as ApiEvent;
};
