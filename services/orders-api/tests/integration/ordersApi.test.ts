import type { SQSClient } from '@aws-sdk/client-sqs';
import type { HttpResponse } from '@shop/common/http';
import { createLogger } from '@shop/common/logger';
import { ORDER_EVENT_ATTRIBUTES, orderEventSchema } from '@shop/contracts/orderEvents';
import { useBackends } from '@shop/local-cloud/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBOrderRepository } from '../../src/adapters/DynamoDBOrderRepository.js';
import { SqsOrderEventPublisher } from '../../src/adapters/SqsOrderEventPublisher.js';
import { systemRuntime } from '../../src/adapters/systemRuntime.js';
import { createCursorCodec } from '../../src/domain/cursor.js';
import { createApiHandler } from '../../src/http/apiHandler.js';
import { createRelayHandler } from '../../src/jobs/relayHandler.js';
import { FakeMetrics } from '../support/apiHarness.js';
import { apiEvent, lambdaContext, otherCustomer, validOrderBody } from '../support/fixtures.js';
import {
  createOrderEventsQueue,
  createOrdersTable,
  documentClient,
  drainQueue,
  ordersInTable,
} from '../support/resources.js';

// OrdersApiFunction's handler with the real adapters against the local backends (or moto).

const { clients } = useBackends();
let tableName: string;
let queueUrl: string;
let metrics: FakeMetrics;

const handlerWith = (publisherQueueUrl: string) =>
  createApiHandler({
    repository: new DynamoDBOrderRepository(documentClient(clients), tableName),
    publisher: new SqsOrderEventPublisher(clients.sqs as SQSClient, publisherQueueUrl),
    cursors: createCursorCodec(async () => ({ current: 'integration-cursor-key' })),
    runtime: systemRuntime(),
    logger: createLogger('orders-api', { logLevel: 'SILENT' }),
    metrics: metrics as never,
  });

const json = (response: HttpResponse) => JSON.parse(response.body ?? 'null');
const customerNamed = (name: string) => ({ id: `cust-${name}`, email: `${name}@example.com` });

beforeAll(async () => {
  tableName = await createOrdersTable(clients);
  queueUrl = (await createOrderEventsQueue(clients)).url;
  metrics = new FakeMetrics();
});

afterAll(() => clients.destroy());

describe('orders API against the backends', () => {
  it('places an order and puts a contract-valid OrderPlaced event on the queue', async () => {
    // Prepare
    const who = customerNamed('place');
    const handler = handlerWith(queueUrl);

    // Act
    const response = await handler(
      apiEvent('POST /orders', { body: validOrderBody(), who }),
      lambdaContext(),
    );

    // Assess
    expect(response.statusCode).toBe(201);
    const order = json(response);
    const [message, ...others] = await drainQueue(clients.sqs, queueUrl);
    expect(others).toHaveLength(0);
    const event = orderEventSchema.parse(JSON.parse(message?.Body ?? ''));
    expect(event).toMatchObject({
      type: 'OrderPlaced',
      version: 1,
      order,
      customer: { id: who.id, email: who.email },
    });
    expect(message?.MessageAttributes?.[ORDER_EVENT_ATTRIBUTES.type]?.StringValue).toBe(
      'OrderPlaced',
    );
    expect(message?.MessageAttributes?.[ORDER_EVENT_ATTRIBUTES.version]?.StringValue).toBe('1');
    const [item] = await ordersInTable(clients, tableName, who.id);
    expect(item).toMatchObject({ orderId: order.orderId, status: 'PLACED' });
    expect(item).not.toHaveProperty('pendingEvent');
  });

  it('creates exactly one order and one event for twenty concurrent POSTs with one key', async () => {
    // Prepare
    const who = customerNamed('race');
    const handler = handlerWith(queueUrl);
    const request = () =>
      apiEvent('POST /orders', {
        body: validOrderBody(),
        who,
        headers: { 'idempotency-key': 'race-key-1' },
      });

    // Act
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => handler(request(), lambdaContext())),
    );

    // Assess
    expect(responses.map((response) => response.statusCode)).toEqual(Array(20).fill(201));
    const orderIds = new Set(responses.map((response) => json(response).orderId));
    expect(orderIds.size).toBe(1);
    expect(await ordersInTable(clients, tableName, who.id)).toHaveLength(1);
    const messages = await drainQueue(clients.sqs, queueUrl);
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0]?.Body ?? '').order.orderId).toBe([...orderIds][0]);
  });

  it('answers 503 when SQS fails, and a retry with the same key completes the send', async () => {
    // Prepare
    const who = customerNamed('retry');
    const broken = handlerWith(`${queueUrl}-does-not-exist`);
    const healthy = handlerWith(queueUrl);
    const request = () =>
      apiEvent('POST /orders', {
        body: validOrderBody(),
        who,
        headers: { 'idempotency-key': 'retry-key-1' },
      });

    // Act
    const failed = await broken(request(), lambdaContext());
    const pending = await ordersInTable(clients, tableName, who.id);
    const retried = await healthy(request(), lambdaContext());

    // Assess
    expect(failed.statusCode).toBe(503);
    expect(pending).toHaveLength(1);
    expect(pending[0]).toHaveProperty('pendingEvent');
    expect(retried.statusCode).toBe(201);
    expect(json(retried).orderId).toBe(pending[0]?.orderId);
    const after = await ordersInTable(clients, tableName, who.id);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toHaveProperty('pendingEvent');
    const messages = await drainQueue(clients.sqs, queueUrl);
    expect(messages.map((message) => JSON.parse(message.Body ?? '').order.orderId)).toEqual([
      pending[0]?.orderId,
    ]);
  });

  it('answers 422 for a reused key with another body, without a second order', async () => {
    // Prepare
    const who = customerNamed('reuse');
    const handler = handlerWith(queueUrl);
    const headers = { 'idempotency-key': 'reuse-key-1' };
    await handler(
      apiEvent('POST /orders', { body: validOrderBody(), who, headers }),
      lambdaContext(),
    );

    // Act
    const response = await handler(
      apiEvent('POST /orders', { body: { ...validOrderBody(), currency: 'USD' }, who, headers }),
      lambdaContext(),
    );

    // Assess
    expect(response.statusCode).toBe(422);
    expect(await ordersInTable(clients, tableName, who.id)).toHaveLength(1);
    expect(await drainQueue(clients.sqs, queueUrl)).toHaveLength(1);
  });

  it('pages newest first and rejects tampered and foreign cursors with 400', async () => {
    // Prepare
    const who = customerNamed('pages');
    const handler = handlerWith(queueUrl);
    const placed: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await handler(
        apiEvent('POST /orders', { body: validOrderBody(), who }),
        lambdaContext(),
      );
      placed.push(json(response).orderId);
    }
    await handler(
      apiEvent('POST /orders', { body: validOrderBody(), who: otherCustomer }),
      lambdaContext(),
    );
    await drainQueue(clients.sqs, queueUrl);
    const list = (query: Record<string, string>, as = who) =>
      handler(apiEvent('GET /orders', { query, who: as }), lambdaContext());

    // Act
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page = json(await list(cursor ? { limit: '2', cursor } : { limit: '2' }));
      pages.push(page.orders.map((order: { orderId: string }) => order.orderId));
      cursor = page.nextCursor;
    } while (cursor);
    const firstCursor = json(await list({ limit: '1' })).nextCursor as string;
    const tampered = await list({
      cursor: `${firstCursor.slice(0, -2)}${firstCursor.endsWith('A') ? 'BB' : 'AA'}`,
    });
    const foreign = await list({ cursor: firstCursor }, otherCustomer);

    // Assess
    expect(pages).toEqual([
      placed.slice(3).reverse(),
      placed.slice(1, 3).reverse(),
      placed.slice(0, 1),
    ]);
    expect(tampered.statusCode).toBe(400);
    expect(foreign.statusCode).toBe(400);
    expect(json(foreign)).not.toHaveProperty('orders');
  });

  it('cancels once with an OrderCancelled event and answers 409 after that', async () => {
    // Prepare
    const who = customerNamed('cancel');
    const handler = handlerWith(queueUrl);
    const placed = json(
      await handler(apiEvent('POST /orders', { body: validOrderBody(), who }), lambdaContext()),
    );
    await drainQueue(clients.sqs, queueUrl);
    const cancel = (as = who) =>
      handler(
        apiEvent('POST /orders/{orderId}/cancel', {
          pathParameters: { orderId: placed.orderId },
          who: as,
        }),
        lambdaContext(),
      );

    // Act
    const foreign = await cancel(otherCustomer);
    const first = await cancel();
    const second = await cancel();

    // Assess
    expect(foreign.statusCode).toBe(404);
    expect(first.statusCode).toBe(200);
    expect(json(first)).toMatchObject({ status: 'CANCELLED', orderId: placed.orderId });
    expect(second.statusCode).toBe(409);
    const messages = await drainQueue(clients.sqs, queueUrl);
    expect(
      messages.map((message) => orderEventSchema.parse(JSON.parse(message.Body ?? '')).type),
    ).toEqual(['OrderCancelled']);
    const fetched = await handler(
      apiEvent('GET /orders/{orderId}', { pathParameters: { orderId: placed.orderId }, who }),
      lambdaContext(),
    );
    expect(json(fetched).status).toBe('CANCELLED');
  });

  it('completes a cancel whose event failed to send when the cancel is retried', async () => {
    // Prepare
    const who = customerNamed('cancel-retry');
    const healthy = handlerWith(queueUrl);
    const broken = handlerWith(`${queueUrl}-does-not-exist`);
    const placed = json(
      await healthy(apiEvent('POST /orders', { body: validOrderBody(), who }), lambdaContext()),
    );
    await drainQueue(clients.sqs, queueUrl);
    const cancel = (handler: typeof healthy) =>
      handler(
        apiEvent('POST /orders/{orderId}/cancel', {
          pathParameters: { orderId: placed.orderId },
          who,
        }),
        lambdaContext(),
      );

    // Act
    const failed = await cancel(broken);
    const retried = await cancel(healthy);

    // Assess
    expect(failed.statusCode).toBe(503);
    expect(retried.statusCode).toBe(200);
    const messages = await drainQueue(clients.sqs, queueUrl);
    expect(messages.map((message) => JSON.parse(message.Body ?? '').type)).toEqual([
      'OrderCancelled',
    ]);
  });

  it('lets the outbox relay publish an event whose client never retried after a 503', async () => {
    // Prepare
    const who = customerNamed('abandoned');
    const broken = handlerWith(`${queueUrl}-does-not-exist`);
    const failed = await broken(
      apiEvent('POST /orders', {
        body: validOrderBody(),
        who,
        headers: { 'idempotency-key': 'gave-up' },
      }),
      lambdaContext(),
    );
    const [pending] = await ordersInTable(clients, tableName, who.id);
    const runtime = systemRuntime();
    const relay = createRelayHandler({
      repository: new DynamoDBOrderRepository(documentClient(clients), tableName),
      publisher: new SqsOrderEventPublisher(clients.sqs as SQSClient, queueUrl),
      runtime: { ...runtime, now: () => new Date(Date.now() + 5 * 60_000) }, // five minutes on
      logger: createLogger('orders-api', { logLevel: 'SILENT' }),
      metrics: new FakeMetrics() as never,
    });

    // Act
    const result = await relay({} as never, lambdaContext());

    // Assess
    expect(failed.statusCode).toBe(503);
    expect(result.published).toBeGreaterThanOrEqual(1);
    const messages = await drainQueue(clients.sqs, queueUrl);
    const orderIds = messages.map((message) => JSON.parse(message.Body ?? '').order.orderId);
    expect(orderIds).toContain(pending?.orderId);
    expect((await ordersInTable(clients, tableName, who.id))[0]).not.toHaveProperty('pendingEvent');
  });
});
