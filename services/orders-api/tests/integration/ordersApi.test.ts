import type { SQSClient } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { HttpResponse } from '@shop/common/http';
import { ORDER_EVENT_ATTRIBUTES, orderEventSchema } from '@shop/contracts/orderEvents';
import { ensureQueue } from '@shop/local-cloud';
import { readStreamEvent, uniqueName, useBackends } from '@shop/local-cloud/testing';
import { lambdaContext } from '@shop/testing/lambda';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBOrderRepository } from '../../src/adapters/DynamoDBOrderRepository.js';
import { storedOrderToItem } from '../../src/adapters/orderItems.js';
import { ordersTables } from '../../src/adapters/ordersTables.js';
import { SqsOrderEventQueue } from '../../src/adapters/SqsOrderEventQueue.js';
import { createApiHandler } from '../../src/app/createApiHandler.js';
import { createPublisherHandler } from '../../src/app/createPublisherHandler.js';
import { createIdempotentPlaceOrder } from '../../src/app/idempotentPlaceOrder.js';
import { createCursorCodec } from '../../src/domain/cursor.js';
import { eventIdFor, orderIdForKey } from '../../src/domain/identifiers.js';
import { validatePlaceOrderRequest } from '../../src/domain/orderRequest.js';
import { placeOrder } from '../../src/domain/placeOrder.js';
import { FakeMetrics, silentLogger } from '../support/apiHarness.js';
import { fakeRuntime } from '../support/fakes.js';
import { apiEvent, otherCustomer, validOrderBody } from '../support/fixtures.js';
import {
  createIdempotencyTable,
  createOrderEventsQueue,
  createOrdersTable,
  documentClient,
  drainQueue,
  ordersInTable,
} from '../support/resources.js';

// The orders flow on real backends (embedded, or moto with AWS_ENDPOINT_URL): the API
// handler with its real adapters writes OrdersTable and the idempotency table; the table's
// stream, read through the DynamoDB Streams API, goes through the publisher handler onto a
// real FIFO queue.

const { clients } = useBackends();
const onMoto = process.env.AWS_ENDPOINT_URL !== undefined;
let tableName: string;
let streamArn: string;
let queueUrl: string;
let deadLetterQueueUrl: string;
let metrics: FakeMetrics;
const runtime = fakeRuntime(Date.parse('2026-03-01T10:00:00.000Z'));
const logger = silentLogger();

const api = () => {
  const { repository, persistenceStore } = ordersTables(clients.dynamodb, {
    ordersTableName: tableName,
    idempotencyTableName,
  });
  return createApiHandler({
    repository,
    runtime,
    placing: createIdempotentPlaceOrder({ repository, runtime, persistenceStore }),
    cursors: createCursorCodec(async () => ({ current: 'integration-cursor-key' })),
    logger,
    metrics,
  });
};
let idempotencyTableName: string;

const publisher = (targetQueueUrl = queueUrl) =>
  createPublisherHandler({
    queue: new SqsOrderEventQueue(clients.sqs as SQSClient, {
      queueUrl: targetQueueUrl,
      deadLetterQueueUrl,
    }),
    logger,
    metrics: new FakeMetrics(),
  });

/** The stream records of these orders, in stream order, once `count` of them are there. */
const streamOf = async (orderIds: string[], count: number): Promise<DynamoDBStreamEvent> => {
  const mine = (event: { Records: Record<string, unknown>[] }) =>
    event.Records.filter((record) =>
      orderIds.some((id) => JSON.stringify(record.dynamodb).includes(`"ORDER#${id}"`)),
    );
  const event = await readStreamEvent(clients, streamArn, {
    until: (records) =>
      records.filter((r) => orderIds.some((id) => r.dynamodb?.Keys?.sk?.S === `ORDER#${id}`))
        .length >= count,
  });
  return { Records: mine(event) } as unknown as DynamoDBStreamEvent;
};

const eventsOn = async (url: string) =>
  (await drainQueue(clients.sqs, url)).map((message) => ({
    event: orderEventSchema.parse(JSON.parse(message.Body ?? '')),
    message,
  }));

const json = (response: HttpResponse) => JSON.parse(response.body ?? 'null');
const customerNamed = (name: string) => ({ id: `cust-${name}`, email: `${name}@example.com` });
const post = (who: { id: string; email: string }, body: unknown = validOrderBody(), key?: string) =>
  apiEvent('POST /orders', {
    body,
    who,
    ...(key === undefined ? {} : { headers: { 'idempotency-key': key } }),
  });

beforeAll(async () => {
  ({ tableName, streamArn } = await createOrdersTable(clients));
  idempotencyTableName = await createIdempotencyTable(clients);
  queueUrl = (await createOrderEventsQueue(clients)).url;
  deadLetterQueueUrl = (await ensureQueue(clients, uniqueName('publisher-dlq'))).url;
  metrics = new FakeMetrics();
});

afterAll(() => clients.destroy());

describe('orders flow against the backends', () => {
  it('places an order with one write; its stream record becomes one FIFO OrderPlaced', async () => {
    // Prepare
    const who = customerNamed('place');
    const note = 'Leave it with the 🐈 next door — 谢谢';

    // Act
    const response = await api()(post(who, { ...validOrderBody(), note }), lambdaContext());
    const order = json(response);
    const queuedByTheApi = await drainQueue(clients.sqs, queueUrl);
    const result = await publisher()(await streamOf([order.orderId], 1), lambdaContext());

    // Assess
    expect(response.statusCode).toBe(201);
    expect(order.note).toBe(note);
    expect(queuedByTheApi).toEqual([]); // the API never talks to SQS
    expect(result).toEqual({ batchItemFailures: [] });
    const [placed, ...others] = await eventsOn(queueUrl);
    expect(others).toEqual([]);
    expect(placed?.event).toEqual({
      type: 'OrderPlaced',
      version: 1,
      eventId: eventIdFor(order.orderId, 'OrderPlaced'),
      occurredAt: order.createdAt,
      order,
      customer: { id: who.id, email: who.email },
    });
    expect(placed?.message.Attributes).toMatchObject({
      MessageGroupId: order.orderId,
      MessageDeduplicationId: placed?.event.eventId,
    });
    expect(placed?.message.MessageAttributes?.[ORDER_EVENT_ATTRIBUTES.type]?.StringValue).toBe(
      'OrderPlaced',
    );
  });

  it('answers 400 naming the field for text SQS could not carry, and stores nothing', async () => {
    // Prepare
    const who = customerNamed('nonchar');

    // Act
    const response = await api()(
      post(who, { ...validOrderBody(), note: 'fine until here \uFFFF' }),
      lambdaContext(),
    );

    // Assess
    expect(response.statusCode).toBe(400);
    expect(json(response).error.details).toEqual([{ field: 'note', message: expect.any(String) }]);
    expect(await ordersInTable(clients, tableName, who.id)).toEqual([]);
  });

  // moto's conditional writes are not atomic under concurrency (see shared notes); DynamoDB's
  // are, and so are the embedded backend's.
  it.skipIf(onMoto)(
    'makes one order and one event of twenty concurrent POSTs with one key',
    async () => {
      // Prepare
      const who = customerNamed('burst');
      const handler = api();

      // Act
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          handler(post(who, validOrderBody(), 'burst-key'), lambdaContext()),
        ),
      );
      const orderId = orderIdForKey(who.id, 'burst-key');
      const stream = await streamOf([orderId], 1);
      await publisher()(stream, lambdaContext());

      // Assess
      const statuses = responses.map((r) => r.statusCode);
      expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
      expect(statuses).toContain(201);
      for (const r of responses.filter((r) => r.statusCode === 201)) {
        expect(json(r).orderId).toBe(orderId);
      }
      for (const r of responses.filter((r) => r.statusCode === 409)) {
        expect(r.headers['retry-after']).toBe('1');
      }
      expect(await ordersInTable(clients, tableName, who.id)).toHaveLength(1);
      expect(stream.Records.map((r) => r.eventName)).toEqual(['INSERT']);
      expect((await eventsOn(queueUrl)).map((e) => e.event.order.orderId)).toEqual([orderId]);
    },
  );

  it('replays the stored 201 for the same key and body, and answers 422 for another body', async () => {
    // Prepare
    const who = customerNamed('replay');
    const first = await api()(post(who, validOrderBody(), 'replay-key'), lambdaContext());

    // Act
    const again = await api()(post(who, validOrderBody(), 'replay-key'), lambdaContext());
    const changed = await api()(
      post(who, { ...validOrderBody(), note: 'other' }, 'replay-key'),
      lambdaContext(),
    );

    // Assess
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(json(again)).toEqual(json(first));
    expect(changed.statusCode).toBe(422);
    expect(await ordersInTable(clients, tableName, who.id)).toHaveLength(1);
  });

  it('makes no second order when a request died between the order write and its idempotency record', async () => {
    // Prepare: the fault: the order is in the table, the idempotency table knows nothing.
    const who = customerNamed('crash');
    const parsed = validatePlaceOrderRequest(validOrderBody());
    if (!parsed.success) throw new Error('fixture is invalid');
    const repository = new DynamoDBOrderRepository(clients.dynamodb, tableName);
    const written = await placeOrder(
      { customer: who, request: parsed.request, idempotencyKey: 'crash-key' },
      { repository, runtime },
    );

    // Act
    const retry = await api()(post(who, validOrderBody(), 'crash-key'), lambdaContext());
    const other = await api()(
      post(who, { ...validOrderBody(), note: 'x' }, 'crash-key'),
      lambdaContext(),
    );

    // Assess
    expect(retry.statusCode).toBe(201);
    expect(json(retry)).toEqual(written.order);
    expect(other.statusCode).toBe(422);
    expect(await ordersInTable(clients, tableName, who.id)).toHaveLength(1);
  });

  it('pages newest first and rejects tampered and foreign cursors with 400', async () => {
    // Prepare: ids derived from keys, so id order is not time order.
    const who = customerNamed('pages');
    const placed: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      runtime.advance(1_000);
      placed.push(
        json(await api()(post(who, validOrderBody(), `page-${i}`), lambdaContext())).orderId,
      );
    }
    await api()(post(otherCustomer), lambdaContext());
    const list = (query: Record<string, string>, as = who) =>
      api()(apiEvent('GET /orders', { query, who: as }), lambdaContext());

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
  });

  it('cancels once; the stream gives OrderPlaced then OrderCancelled, in one FIFO group', async () => {
    // Prepare
    const who = customerNamed('cancel');
    const order = json(await api()(post(who), lambdaContext()));
    runtime.advance(60_000);
    const cancel = (as = who) =>
      api()(
        apiEvent('POST /orders/{orderId}/cancel', {
          pathParameters: { orderId: order.orderId },
          who: as,
        }),
        lambdaContext(),
      );

    // Act
    const foreign = await cancel(otherCustomer);
    const first = await cancel();
    const second = await cancel();
    await publisher()(await streamOf([order.orderId], 2), lambdaContext());

    // Assess
    expect([foreign.statusCode, first.statusCode, second.statusCode]).toEqual([404, 200, 409]);
    const events = await eventsOn(queueUrl);
    expect(events.map((e) => e.event.type)).toEqual(['OrderPlaced', 'OrderCancelled']);
    expect(events.map((e) => e.message.Attributes?.MessageGroupId)).toEqual([
      order.orderId,
      order.orderId,
    ]);
    expect(events[1]?.event.order.cancelledAt).toBe(json(first).cancelledAt);
  });

  it('reports the first unsent record when SQS fails, and a redelivery sends each event once, in order', async () => {
    // Prepare: the fault: the queue does not exist (every send fails).
    const who = customerNamed('retry');
    const a = json(await api()(post(who), lambdaContext()));
    const b = json(await api()(post(who), lambdaContext()));
    await api()(
      apiEvent('POST /orders/{orderId}/cancel', { pathParameters: { orderId: a.orderId }, who }),
      lambdaContext(),
    );
    const stream = await streamOf([a.orderId, b.orderId], 3);
    const missingQueue = queueUrl.replace(/[^/]+$/, `${uniqueName('missing')}.fifo`);

    // Act
    const failed = await publisher(missingQueue)(stream, lambdaContext());
    const partly = await publisher()(
      { Records: stream.Records.slice(0, 1) } as DynamoDBStreamEvent,
      lambdaContext(),
    );
    const redelivered = await publisher()(stream, lambdaContext()); // Lambda retries the batch

    // Assess
    expect(failed).toEqual({
      batchItemFailures: [{ itemIdentifier: stream.Records[0]?.dynamodb?.SequenceNumber }],
    });
    expect([partly, redelivered]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    const events = (await eventsOn(queueUrl)).map(
      (e) => `${e.event.type}:${e.event.order.orderId}`,
    );
    expect(events).toEqual([
      `OrderPlaced:${a.orderId}`,
      `OrderPlaced:${b.orderId}`,
      `OrderCancelled:${a.orderId}`,
    ]);
  });

  it('quarantines an order item the contract rejects, whole, and goes on with the others', async () => {
    // Prepare: the fault: an item written by other code, with a broken total.
    const who = customerNamed('poison');
    const good = json(await api()(post(who), lambdaContext()));
    const broken = { ...good, orderId: '01JNR8W3D2C6VQ5B2T0Y8MBAD0', total: 'lots' };
    await documentClient(clients).send(
      new PutCommand({
        TableName: tableName,
        Item: storedOrderToItem({ order: broken, customerEmail: who.email }),
      }),
    );

    // Act
    const result = await publisher()(
      await streamOf([good.orderId, broken.orderId], 2),
      lambdaContext(),
    );

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect((await eventsOn(queueUrl)).map((e) => e.event.order.orderId)).toEqual([good.orderId]);
    const [quarantined, ...more] = await drainQueue(clients.sqs, deadLetterQueueUrl);
    expect(more).toEqual([]);
    const body = JSON.parse(quarantined?.Body ?? '{}');
    expect(body.reason).toMatch(/total/);
    expect(body.record.dynamodb.NewImage.orderId).toEqual({ S: broken.orderId });
  });
});
