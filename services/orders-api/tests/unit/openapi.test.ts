import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AwsDeadlineExceededError } from '@shop/common/aws';
import type { HttpResponse } from '@shop/common/http';
import { ORDER_LIMITS } from '@shop/contracts/orderEvents';
import { lambdaContext } from '@shop/testing/lambda';
import { loadOpenApi, type Schema } from '@shop/testing/openapi';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderOpenApi } from '../../scripts/generateOpenApi.js';
import type { ApiDependencies } from '../../src/app/createApiHandler.js';
import { ROUTES } from '../../src/app/routes.js';
import { IdempotentRequestInProgressError } from '../../src/domain/errors.js';
import {
  COUNTRY_CODES,
  SUPPORTED_CURRENCIES,
  validatePlaceOrderRequest,
} from '../../src/domain/orderRequest.js';
import { apiHarness } from '../support/apiHarness.js';
import { apiEvent, validOrderBody } from '../support/fixtures.js';

const openapiPath = fileURLToPath(new URL('../../openapi.yaml', import.meta.url));
const api = loadOpenApi(openapiPath);
const openapi = api.document;
const paths = openapi.paths as Record<
  string,
  Record<string, { responses: Record<string, Schema> }>
>;
const componentSchema = (name: string) =>
  ((openapi.components as Schema).schemas as Record<string, Schema>)[name] as Schema;

const documentedRoutes = () =>
  Object.entries(paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );

const operation = (routeKey: string) => {
  const [method = '', path = ''] = routeKey.split(' ');
  const found = paths[path]?.[method.toLowerCase()];
  if (!found) throw new Error(`${routeKey} is not documented`);
  return found;
};

const failing = async () => {
  throw new Error('storage down');
};
const timingOut = async () => {
  throw new AwsDeadlineExceededError('the time budget for AWS calls (9000 ms) ran out');
};

type Harness = ReturnType<typeof apiHarness>;
const ORDER = { orderId: '' };
const place = async (h: Harness, headers: Record<string, string> = {}) => {
  const response = await h.handler(
    apiEvent('POST /orders', { body: validOrderBody(), headers }),
    lambdaContext(),
  );
  ORDER.orderId = JSON.parse(response.body ?? '{}').orderId;
  return response;
};
const byId = (routeKey: string, orderId = ORDER.orderId, options = {}) =>
  apiEvent(routeKey, { pathParameters: { orderId }, ...options });
const anonymous = { authorizer: { authenticated: false, reason: 'missing_token' } };

// One scenario per (route, status) the API can answer.
const SCENARIOS: [string, number, (h: Harness) => Promise<HttpResponse>][] = [
  ['POST /orders', 201, (h) => place(h)],
  [
    'POST /orders',
    400,
    (h) => h.handler(apiEvent('POST /orders', { body: { items: [] } }), lambdaContext()),
  ],
  [
    'POST /orders',
    401,
    (h) =>
      h.handler(
        apiEvent('POST /orders', { body: validOrderBody(), ...anonymous }),
        lambdaContext(),
      ),
  ],
  [
    'POST /orders',
    413,
    (h) => h.handler(apiEvent('POST /orders', { rawBody: 'x'.repeat(70_000) }), lambdaContext()),
  ],
  [
    'POST /orders',
    415,
    (h) =>
      h.handler(
        apiEvent('POST /orders', {
          rawBody: 'a=b',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        lambdaContext(),
      ),
  ],
  [
    'POST /orders',
    422,
    async (h) => {
      await place(h, { 'idempotency-key': 'k' });
      return h.handler(
        apiEvent('POST /orders', {
          body: { ...validOrderBody(), note: 'other' },
          headers: { 'idempotency-key': 'k' },
        }),
        lambdaContext(),
      );
    },
  ],
  [
    'POST /orders',
    500,
    (h) => {
      h.repository.createOrder = failing;
      return place(h);
    },
  ],
  [
    'POST /orders',
    409,
    () => {
      const busy = apiHarness({
        placing: {
          registerLambdaContext: () => {},
          place: async () => {
            throw new IdempotentRequestInProgressError();
          },
        } as unknown as ApiDependencies['placing'],
      });
      return busy.handler(
        apiEvent('POST /orders', { body: validOrderBody(), headers: { 'idempotency-key': 'k' } }),
        lambdaContext(),
      );
    },
  ],
  [
    'GET /orders',
    200,
    async (h) => {
      await place(h);
      return h.handler(apiEvent('GET /orders', { query: { limit: '1' } }), lambdaContext());
    },
  ],
  [
    'GET /orders',
    400,
    (h) => h.handler(apiEvent('GET /orders', { query: { cursor: 'abc.def' } }), lambdaContext()),
  ],
  ['GET /orders', 401, (h) => h.handler(apiEvent('GET /orders', anonymous), lambdaContext())],
  [
    'GET /orders',
    500,
    (h) => {
      h.repository.listOrders = failing;
      return h.handler(apiEvent('GET /orders'), lambdaContext());
    },
  ],
  [
    'GET /orders/{orderId}',
    200,
    async (h) => {
      await place(h);
      return h.handler(byId('GET /orders/{orderId}'), lambdaContext());
    },
  ],
  [
    'GET /orders/{orderId}',
    401,
    (h) => h.handler(byId('GET /orders/{orderId}', 'x', anonymous), lambdaContext()),
  ],
  [
    'GET /orders/{orderId}',
    404,
    (h) => h.handler(byId('GET /orders/{orderId}', '01JNR8W3D2C6VQ5B2T0Y8M4K1A'), lambdaContext()),
  ],
  [
    'GET /orders/{orderId}',
    500,
    (h) => {
      h.repository.getOrder = failing;
      return h.handler(
        byId('GET /orders/{orderId}', '01JNR8W3D2C6VQ5B2T0Y8M4K1A'),
        lambdaContext(),
      );
    },
  ],
  [
    'POST /orders/{orderId}/cancel',
    200,
    async (h) => {
      await place(h);
      return h.handler(byId('POST /orders/{orderId}/cancel'), lambdaContext());
    },
  ],
  [
    'POST /orders/{orderId}/cancel',
    401,
    (h) => h.handler(byId('POST /orders/{orderId}/cancel', 'x', anonymous), lambdaContext()),
  ],
  [
    'POST /orders/{orderId}/cancel',
    404,
    (h) => h.handler(byId('POST /orders/{orderId}/cancel', 'nope'), lambdaContext()),
  ],
  [
    'POST /orders/{orderId}/cancel',
    409,
    async (h) => {
      await place(h);
      await h.handler(byId('POST /orders/{orderId}/cancel'), lambdaContext());
      return h.handler(byId('POST /orders/{orderId}/cancel'), lambdaContext());
    },
  ],
  [
    'POST /orders/{orderId}/cancel',
    500,
    async (h) => {
      await place(h);
      h.repository.cancelOrder = failing;
      return h.handler(byId('POST /orders/{orderId}/cancel'), lambdaContext());
    },
  ],
  [
    'POST /orders',
    503,
    (h) => {
      h.repository.createOrder = timingOut;
      return place(h);
    },
  ],
  [
    'GET /orders',
    503,
    (h) => {
      h.repository.listOrders = timingOut;
      return h.handler(apiEvent('GET /orders'), lambdaContext());
    },
  ],
  [
    'GET /orders/{orderId}',
    503,
    (h) => {
      h.repository.getOrder = timingOut;
      return h.handler(
        byId('GET /orders/{orderId}', '01JNR8W3D2C6VQ5B2T0Y8M4K1A'),
        lambdaContext(),
      );
    },
  ],
  [
    'POST /orders/{orderId}/cancel',
    503,
    async (h) => {
      await place(h);
      h.repository.cancelOrder = timingOut;
      return h.handler(byId('POST /orders/{orderId}/cancel'), lambdaContext());
    },
  ],
];

// Answered by API Gateway alone (the authorizer said no): no function runs, no scenario here.
const GATEWAY_ONLY = new Set([403]);

// Request bodies near every edge: valid ones, and ones broken in one field by a character, a
// code, whitespace, a length or a number, so both sides must draw the same line.
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('', ' ', ' x', 'x ', '\u00a0', 'a\nb', 'a\tb', 'a\rb', '\ud800', 'a\udc00b'),
  fc.constantFrom('x\uFFFE', '\u{10FFFF}', '\uFDD0', '\u0085', '\u{1F600}\u200D\u{1F525}'),
  fc.integer({ min: 1, max: 2 * ORDER_LIMITS.nameMaxLength }).map((n) => '\u{1F600}'.repeat(n)),
);
const requestBody = fc
  .tuple(
    fc.constantFrom(
      'sku',
      'name',
      'line1',
      'line2',
      'city',
      'postalCode',
      'note',
      'currency',
      'country',
      'quantity',
      'extra',
      'none',
    ),
    anyText,
    fc.oneof(
      fc.constantFrom(...SUPPORTED_CURRENCIES, ...COUNTRY_CODES),
      fc.constantFrom('XAU', 'XDR', 'EU', 'UN', 'XK', 'ZZ', 'eur', 'de', 'BHD'),
    ),
    fc.oneof(fc.integer({ min: -2, max: 1002 }), fc.double()),
  )
  .map(([which, text, code, number]) => {
    const body = structuredClone(validOrderBody()) as Record<string, unknown> & {
      items: Record<string, unknown>[];
      shippingAddress: Record<string, unknown>;
    };
    const first = body.items[0] ?? {};
    if (which === 'sku') first.sku = text;
    if (['name', 'line1', 'line2', 'city', 'postalCode'].includes(which))
      body.shippingAddress[which] = text;
    if (which === 'note') body.note = text;
    if (which === 'currency') body.currency = code;
    if (which === 'country') body.shippingAddress.country = code;
    if (which === 'quantity') first.quantity = number;
    if (which === 'extra') body.total = 1;
    return body;
  });

describe('openapi.yaml', () => {
  it('holds exactly the schemas the generator writes from the zod schemas', () => {
    // Prepare
    const current = readFileSync(openapiPath, 'utf8');

    // Act
    const generated = renderOpenApi(current);

    // Assess: on failure run `pnpm --filter @shop/orders-api openapi`
    expect(current).toBe(generated);
  });

  it('agrees with the validator on every request body, both ways', () => {
    // Prepare
    const schema = componentSchema('PlaceOrderRequest');

    fc.assert(
      fc.property(requestBody, (body) => {
        // Act
        const documented = api.check(schema, body);
        const validated = validatePlaceOrderRequest(body);

        // Assess
        expect(documented.length === 0, JSON.stringify({ body, documented })).toBe(
          validated.success,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('documents the 401 and 403 API Gateway answers on every route', () => {
    for (const routeKey of Object.keys(ROUTES)) {
      // Act
      const { responses } = operation(routeKey);

      // Assess
      expect(responses['401'], routeKey).toEqual({
        $ref: '#/components/responses/GatewayUnauthorized',
      });
      expect(responses['403'], routeKey).toEqual({
        $ref: '#/components/responses/GatewayForbidden',
      });
    }
    const unauthorized = api.resolve({ $ref: '#/components/responses/GatewayUnauthorized' });
    const forbidden = api.resolve({ $ref: '#/components/responses/GatewayForbidden' });
    const schemaOf = (response: Schema) =>
      (response.content as Record<string, { schema: Schema }>)['application/json']?.schema ?? {};
    expect(api.check(schemaOf(unauthorized), { message: 'Unauthorized' })).toEqual([]);
    expect(api.check(schemaOf(forbidden), { message: 'Forbidden' })).toEqual([]);
    expect(api.check(schemaOf(forbidden), { error: {} })).not.toEqual([]);
  });

  it('documents a cursor shape that takes what the API issues and refuses what it rejects', async () => {
    // Prepare
    const harness = apiHarness();
    await place(harness);
    await place(harness);
    const parameters = (operation('GET /orders') as unknown as { parameters: Schema[] }).parameters;
    const cursor = (parameters.find((p) => p.name === 'cursor')?.schema ?? {}) as Schema;

    // Act
    const first = await harness.handler(
      apiEvent('GET /orders', { query: { limit: '1' } }),
      lambdaContext(),
    );
    const issued = JSON.parse(first.body ?? '{}').nextCursor as string;
    const zero = await harness.handler(
      apiEvent('GET /orders', { query: { cursor: '0' } }),
      lambdaContext(),
    );

    // Assess
    expect(api.check(cursor, issued)).toEqual([]);
    expect(zero.statusCode).toBe(400);
    expect(api.check(cursor, '0')).not.toEqual([]);
  });

  it('answers a repeated POST /orders with the stored 201, marked as replayed', async () => {
    // Prepare
    const harness = apiHarness();
    const first = await place(harness, { 'idempotency-key': 'replay-1' });

    // Act
    const again = await place(harness, { 'idempotency-key': 'replay-1' });

    // Assess
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(JSON.parse(again.body ?? '')).toEqual(JSON.parse(first.body ?? ''));
  });

  it('documents exactly the routes the handler serves', () => {
    // Act / Assess
    expect(documentedRoutes().sort()).toEqual(Object.keys(ROUTES).sort());
  });

  it('documents exactly the status codes each route can answer', () => {
    for (const [routeKey, route] of Object.entries(ROUTES)) {
      expect(Object.keys(operation(routeKey).responses).map(Number).sort(), routeKey).toEqual(
        [...route.statuses].sort(),
      );
    }
  });

  it.each(SCENARIOS)('%s answers a documented %i', async (routeKey, status, run) => {
    // Prepare
    const harness = apiHarness();

    // Act
    const response = await run(harness);

    // Assess
    expect(response.statusCode).toBe(status);
    const documented = api.resolve(operation(routeKey).responses[String(status)] ?? {});
    const content = documented.content as Record<string, { schema: Schema }>;
    const schema = content['application/json']?.schema ?? {};
    expect(api.check(schema, JSON.parse(response.body ?? 'null'))).toEqual([]);
    for (const header of Object.keys((documented.headers ?? {}) as Schema)) {
      if (header !== 'Idempotent-Replayed')
        expect(response.headers[header.toLowerCase()]).toBeDefined();
    }
  });

  it('has a scenario for every status the function answers, so none is unreachable', () => {
    // Act
    const covered = new Set(SCENARIOS.map(([route, status]) => `${route} ${status}`));

    // Assess
    for (const [routeKey, route] of Object.entries(ROUTES)) {
      for (const status of route.statuses) {
        if (!GATEWAY_ONLY.has(status)) expect(covered).toContain(`${routeKey} ${status}`);
      }
    }
  });
});
