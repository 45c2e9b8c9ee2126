import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureQueue, ensureSecret } from '@shop/local-cloud';
import { readStreamEvent, uniqueName, useBackends } from '@shop/local-cloud/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiEvent } from '../../src/http/apiHandler.js';
import { apiEvent, lambdaContext, validOrderBody } from '../support/fixtures.js';
import {
  createIdempotencyTable,
  createOrderEventsQueue,
  createOrdersTable,
  drainQueue,
} from '../support/resources.js';
import { KEY_1, signToken } from '../support/tokens.js';

// The esbuild bundles the template deploys (dist/<function>/index.mjs, built by `pnpm build`
// before `pnpm test`), configured only through environment variables, as Lambda and the
// local runner run them: authorizer first, its context into the API function, then the
// table's stream into the publisher.

const { clients } = useBackends();
const bundle = (name: string) =>
  fileURLToPath(new URL(`../../dist/${name}/index.mjs`, import.meta.url));

type Handler<E, R> = (event: E, context: ReturnType<typeof lambdaContext>) => Promise<R>;
let api: Handler<ApiEvent, { statusCode: number; body?: string }>;
let authorizer: Handler<unknown, { isAuthorized: boolean; context?: Record<string, unknown> }>;
let publisher: Handler<unknown, { batchItemFailures: unknown[] }>;
let queueUrl: string;
let streamArn: string;

beforeAll(async () => {
  for (const name of ['api', 'authorizer', 'publisher']) {
    if (!existsSync(bundle(name))) throw new Error(`${bundle(name)} is missing: run pnpm build`);
  }
  const secretId = uniqueName('signing-key');
  await ensureSecret(clients, secretId, KEY_1);
  queueUrl = (await createOrderEventsQueue(clients)).url;
  const table = await createOrdersTable(clients);
  streamArn = table.streamArn;
  const env = {
    ORDERS_TABLE_NAME: table.tableName,
    IDEMPOTENCY_TABLE_NAME: await createIdempotencyTable(clients),
    ORDER_EVENTS_QUEUE_URL: queueUrl,
    PUBLISHER_DEAD_LETTER_QUEUE_URL: (await ensureQueue(clients, uniqueName('publisher-dlq'))).url,
    SIGNING_SECRET_ID: secretId,
    JWT_ISSUER: 'shop-auth',
    JWT_AUDIENCE: 'shop-orders-api',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  api = (await import(bundle('api'))).handler;
  authorizer = (await import(bundle('authorizer'))).handler;
  publisher = (await import(bundle('publisher'))).handler;
});

afterAll(() => {
  vi.unstubAllEnvs();
  clients.destroy();
});

describe('function bundles', () => {
  it('authorize a token, place, list and cancel an order, and publish its events', async () => {
    // Prepare
    const authorization = `Bearer ${await signToken(KEY_1, { sub: 'cust-bundle' })}`;
    const auth = await authorizer(
      { type: 'REQUEST', routeArn: 'arn', headers: { authorization } },
      lambdaContext(),
    );
    const as = (event: ApiEvent) => {
      event.requestContext.authorizer = { lambda: auth.context as never };
      return event;
    };

    // Act
    const denied = await authorizer(
      { type: 'REQUEST', routeArn: 'arn', headers: { authorization: 'Bearer a.b.c' } },
      lambdaContext(),
    );
    const placed = await api(
      as(
        apiEvent('POST /orders', { body: validOrderBody(), headers: { 'idempotency-key': 'k-1' } }),
      ),
      lambdaContext(),
    );
    const order = JSON.parse(placed.body ?? '{}');
    const listed = await api(as(apiEvent('GET /orders')), lambdaContext());
    const cancelled = await api(
      as(apiEvent('POST /orders/{orderId}/cancel', { pathParameters: { orderId: order.orderId } })),
      lambdaContext(),
    );

    // Assess
    expect(auth).toMatchObject({ isAuthorized: true, context: { customerId: 'cust-bundle' } });
    expect(denied).toEqual({ isAuthorized: false });
    expect(placed.statusCode).toBe(201);
    expect(order.customerId).toBe('cust-bundle');
    expect(
      JSON.parse(listed.body ?? '{}').orders.map((o: { orderId: string }) => o.orderId),
    ).toEqual([order.orderId]);
    expect(cancelled.statusCode).toBe(200);
    expect(await drainQueue(clients.sqs, queueUrl)).toEqual([]); // the API sends nothing
    const stream = await readStreamEvent(clients, streamArn, { until: (r) => r.length >= 2 });
    expect(await publisher(stream, lambdaContext())).toEqual({ batchItemFailures: [] });
    const types = (await drainQueue(clients.sqs, queueUrl)).map(
      (m) => JSON.parse(m.Body ?? '').type,
    );
    expect(types).toEqual(['OrderPlaced', 'OrderCancelled']);
  });
});
