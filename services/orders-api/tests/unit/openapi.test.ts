import type { HttpResponse } from '@shop/common/http';
import { orderSnapshotSchema } from '@shop/contracts/orderEvents';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { placeOrderRequestSchema } from '../../src/domain/orderRequest.js';
import { ROUTES } from '../../src/http/routes.js';
import { apiHarness } from '../support/apiHarness.js';
import { apiEvent, lambdaContext, validOrderBody } from '../support/fixtures.js';
import { check, constraints, readOpenApi, resolveRef, type Schema } from '../support/openapi.js';

const openapi = readOpenApi();
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
    503,
    (h) => {
      h.publisher.failNext();
      return place(h, { 'idempotency-key': 'k' });
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
      h.repository.markCancelled = failing;
      return h.handler(byId('POST /orders/{orderId}/cancel'), lambdaContext());
    },
  ],
  [
    'POST /orders/{orderId}/cancel',
    503,
    async (h) => {
      await place(h);
      h.publisher.failNext();
      return h.handler(byId('POST /orders/{orderId}/cancel'), lambdaContext());
    },
  ],
];

describe('openapi.yaml', () => {
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

  it("describes the request body with the validator's fields and limits", () => {
    // Act
    const documented = constraints(openapi, componentSchema('PlaceOrderRequest'));
    const implemented = constraints(openapi, z.toJSONSchema(placeOrderRequestSchema) as Schema);

    // Assess
    expect(documented).toEqual(implemented);
  });

  it('describes orders as the shared event contract defines them', () => {
    // Act
    const documented = constraints(openapi, componentSchema('Order'));
    const contract = constraints(openapi, z.toJSONSchema(orderSnapshotSchema) as Schema);

    // Assess
    expect(documented).toEqual(contract);
  });

  it.each(SCENARIOS)('%s answers a documented %i', async (routeKey, status, run) => {
    // Prepare
    const harness = apiHarness();

    // Act
    const response = await run(harness);

    // Assess
    expect(response.statusCode).toBe(status);
    const documented = resolveRef(openapi, operation(routeKey).responses[String(status)] ?? {});
    const content = documented.content as Record<string, { schema: Schema }>;
    const schema = content['application/json']?.schema ?? {};
    expect(check(openapi, schema, JSON.parse(response.body ?? 'null'))).toEqual([]);
    for (const header of Object.keys((documented.headers ?? {}) as Schema)) {
      if (header !== 'Idempotent-Replayed')
        expect(response.headers[header.toLowerCase()]).toBeDefined();
    }
  });

  it('has a scenario for every documented status, so none is documented but unreachable', () => {
    // Act
    const covered = new Set(SCENARIOS.map(([route, status]) => `${route} ${status}`));

    // Assess
    for (const [routeKey, route] of Object.entries(ROUTES)) {
      for (const status of route.statuses) expect(covered).toContain(`${routeKey} ${status}`);
    }
  });
});
