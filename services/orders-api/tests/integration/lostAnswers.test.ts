import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createAwsClient } from '@shop/common/aws';
import { useBackends, useFaults } from '@shop/local-cloud/testing';
import { lambdaContext } from '@shop/testing/lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBOrderRepository } from '../../src/adapters/DynamoDBOrderRepository.js';
import { ordersTables } from '../../src/adapters/ordersTables.js';
import { createApiHandler } from '../../src/app/createApiHandler.js';
import { createIdempotentPlaceOrder } from '../../src/app/idempotentPlaceOrder.js';
import { AWS_LIMITS } from '../../src/config.js';
import { cancelOrder } from '../../src/domain/cancelOrder.js';
import { createCursorCodec } from '../../src/domain/cursor.js';
import { FakeMetrics, silentLogger } from '../support/apiHarness.js';
import { fakeRuntime } from '../support/fakes.js';
import { apiEvent, customer, sampleOrder, validOrderBody } from '../support/fixtures.js';
import { createIdempotencyTable, createOrdersTable } from '../support/resources.js';

// A conditional write whose answer is lost: DynamoDB applies it, the answer comes after the
// API's per-attempt timeout (1.5 s), the SDK sends it again and the condition fails on the
// call's own write. The fault proxy holds the first answer back (embedded DynamoDB, or moto
// with AWS_ENDPOINT_URL); the client is the API's, as src/handlers/api.ts builds it.

const { backends, clients } = useBackends();
const faults = useFaults();
const dynamodb = createAwsClient(DynamoDBClient, 'DynamoDB', {
  region: backends.region,
  ...AWS_LIMITS.api.dynamodb,
});
let repository: DynamoDBOrderRepository;
let sequence = 0;
const newOrder = (createdAt = '2026-03-01T10:00:00.000Z') => {
  sequence += 1;
  return sampleOrder(`01JNR8W3D2C6VQ5B2T0Y9K${String(sequence).padStart(4, '0')}`, {
    customerId: customer.id,
    createdAt,
  });
};
/** The first `operation` on this order is applied, and its answer held past the timeout. */
const loseFirstAnswer = (operation: string, orderId: string) =>
  faults.add({
    service: 'dynamodb',
    operation,
    body: orderId,
    holdResponseMs: AWS_LIMITS.api.dynamodb.requestTimeoutMs + 1_000,
    times: 1,
  });

let ordersTableName: string;
let idempotencyTableName: string;

beforeAll(async () => {
  const { tableName } = await createOrdersTable(clients);
  ordersTableName = tableName;
  idempotencyTableName = await createIdempotencyTable(clients);
  repository = new DynamoDBOrderRepository(dynamodb, tableName);
});
afterEach(() => faults.clear());
afterAll(() => dynamodb.destroy());

describe('DynamoDBOrderRepository when an applied write loses its answer', () => {
  it('reports a cancel whose retry met its own write as cancelled, not as a conflict', async () => {
    // Prepare
    const order = newOrder();
    await repository.createOrder({ order, customerEmail: customer.email });
    const rule = await loseFirstAnswer('UpdateItem', order.orderId);
    const runtime = fakeRuntime(Date.parse('2026-03-01T11:00:00.000Z'));

    // Act
    const cancelled = await cancelOrder(
      { customer: { id: customer.id, email: customer.email }, orderId: order.orderId },
      { repository, runtime },
    );

    // Assess: the SDK sent the update twice; the first one cancelled the order.
    expect(await faults.applied(rule)).toBe(1);
    expect(await faults.matched(rule)).toBe(2);
    expect(cancelled).toEqual({
      ...order,
      status: 'CANCELLED',
      cancelledAt: '2026-03-01T11:00:00.000Z',
    });
    // A later cancel is still a conflict.
    expect(
      await repository.cancelOrder(customer.id, order.orderId, '2026-03-01T12:00:00.000Z'),
    ).toEqual({ result: 'conflict', order: cancelled });
  });

  it('reports a cancel made by another request at the same instant as a conflict, retried or not', async () => {
    // Prepare: another request cancels the order; this call's first attempt then fails
    // without being applied (503), and the SDK sends it again, at the same cancelledAt.
    const order = newOrder();
    await repository.createOrder({ order, customerEmail: customer.email });
    const at = '2026-03-01T11:00:00.000Z';
    const other = await repository.cancelOrder(customer.id, order.orderId, at);
    const rule = await faults.add({
      service: 'dynamodb',
      operation: 'UpdateItem',
      body: order.orderId,
      error: { status: 503, code: 'ServiceUnavailable' },
      times: 1,
    });

    // Act
    const result = await repository.cancelOrder(customer.id, order.orderId, at);

    // Assess: two attempts, and the order is the other request's
    expect(await faults.matched(rule)).toBe(2);
    expect(other.result).toBe('cancelled');
    expect(result).toEqual({
      result: 'conflict',
      order: { ...order, status: 'CANCELLED', cancelledAt: at },
    });
  });

  it('reports an order whose retried put met its own write as created, not as a replay', async () => {
    // Prepare
    const order = newOrder();
    const rule = await loseFirstAnswer('PutItem', order.orderId);

    // Act
    const result = await repository.createOrder({
      order,
      customerEmail: customer.email,
      requestFingerprint: 'f-1',
    });

    // Assess
    expect(await faults.matched(rule)).toBe(2);
    expect(result).toEqual({ created: true });
    // The same request again, later, is a replay of the stored order.
    const later = await repository.createOrder({
      order: { ...order, createdAt: '2026-03-01T10:05:00.000Z' },
      customerEmail: customer.email,
      requestFingerprint: 'f-1',
    });
    expect(later).toMatchObject({ created: false, existing: { order } });
  });
});

describe('the idempotency record when its write loses its answer', () => {
  it('places a keyed order once instead of answering 409 "in progress" to its only request', async () => {
    // Prepare: the API's tables and client, as src/handlers/api.ts builds them.
    const runtime = fakeRuntime(Date.parse('2026-03-01T12:00:00.000Z'));
    const { repository: orders, persistenceStore } = ordersTables(dynamodb, {
      ordersTableName,
      idempotencyTableName,
    });
    const handler = createApiHandler({
      repository: orders,
      runtime,
      placing: createIdempotentPlaceOrder({ repository: orders, runtime, persistenceStore }),
      cursors: createCursorCodec(async () => ({ current: 'lost-answers-cursor-key' })),
      logger: silentLogger(),
      metrics: new FakeMetrics(),
    });
    const rule = await faults.add({
      service: 'dynamodb',
      operation: 'PutItem',
      body: idempotencyTableName,
      holdResponseMs: AWS_LIMITS.api.dynamodb.requestTimeoutMs + 1_000,
      times: 1,
    });
    const request = () =>
      apiEvent('POST /orders', {
        body: validOrderBody(),
        headers: { 'Idempotency-Key': `lost-${Date.now()}` },
      });

    // Act
    const response = await handler(request(), lambdaContext({ timeoutMs: 10_000 }));

    // Assess: the SDK sent the record twice; the first write was the request's own.
    expect(await faults.applied(rule)).toBe(1);
    expect(await faults.matched(rule)).toBeGreaterThanOrEqual(2);
    expect(response.statusCode).toBe(201);
  });
});
