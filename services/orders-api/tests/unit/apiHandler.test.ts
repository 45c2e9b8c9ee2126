import { IdempotencyRecordStatus } from '@aws-lambda-powertools/idempotency';
import { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import type { HttpResponse } from '@shop/common/http';
import type { InMemoryPersistenceLayer } from '@shop/testing/idempotency';
import { lambdaContext } from '@shop/testing/lambda';
import { describe, expect, it } from 'vitest';
import { apiHarness } from '../support/apiHarness.js';
import { apiEvent, customer, otherCustomer, validOrderBody } from '../support/fixtures.js';

const json = (response: HttpResponse) => JSON.parse(response.body ?? 'null');

/** Turn every stored record back into an unfinished one, as a request that died leaves it. */
const markInProgress = (store: InMemoryPersistenceLayer, inProgressExpiryTimestamp: number) => {
  for (const [key, record] of store.items) {
    store.items.set(
      key,
      new IdempotencyRecord({
        idempotencyKey: record.idempotencyKey,
        status: IdempotencyRecordStatus.INPROGRESS,
        expiryTimestamp: record.expiryTimestamp,
        inProgressExpiryTimestamp,
        payloadHash: record.payloadHash,
      }),
    );
  }
};

describe('api handler', () => {
  it('answers 201 with the order, a Location header and the server-computed total', async () => {
    // Prepare
    const { handler, repository, metrics } = apiHarness();

    // Act
    const response = await handler(
      apiEvent('POST /orders', { body: validOrderBody() }),
      lambdaContext(),
    );

    // Assess
    const order = json(response);
    expect(response.statusCode).toBe(201);
    expect(response.headers.location).toBe(`/orders/${order.orderId}`);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(order).toMatchObject({
      status: 'PLACED',
      currency: 'EUR',
      total: 5499,
      customerId: 'cust-ada',
    });
    expect(repository.changes.map((c) => c.after)).toEqual([
      { order, customerEmail: 'ada@example.com' },
    ]);
    expect(metrics.total('OrdersPlaced')).toBe(1);
  });

  it('replays the same order for a repeated Idempotency-Key and counts it once', async () => {
    // Prepare
    const { handler, repository, idempotencyStore, metrics } = apiHarness();
    const request = () =>
      apiEvent('POST /orders', { body: validOrderBody(), headers: { 'Idempotency-Key': 'key-1' } });
    const first = await handler(request(), lambdaContext());

    // Act
    const second = await handler(request(), lambdaContext());

    // Assess
    expect(second.statusCode).toBe(201);
    expect(json(second)).toEqual(json(first));
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(repository.changes).toHaveLength(1);
    expect(idempotencyStore.items.size).toBe(1);
    expect(metrics.total('OrdersPlaced')).toBe(1);
  });

  it('answers 422 when an Idempotency-Key is reused with another body', async () => {
    // Prepare
    const { handler } = apiHarness();
    const headers = { 'idempotency-key': 'key-1' };
    await handler(apiEvent('POST /orders', { body: validOrderBody(), headers }), lambdaContext());

    // Act
    const response = await handler(
      apiEvent('POST /orders', { body: { ...validOrderBody(), note: 'changed' }, headers }),
      lambdaContext(),
    );

    // Assess
    expect(response.statusCode).toBe(422);
    expect(json(response).error.code).toBe('UNPROCESSABLE_ENTITY');
  });

  it('answers 400 with field-level details for an invalid body', async () => {
    // Prepare
    const { handler, repository } = apiHarness();
    const body = { ...validOrderBody(), items: [{ sku: 'A', quantity: 1001, unitPrice: 1 }] };
    const context = lambdaContext();

    // Act
    const response = await handler(apiEvent('POST /orders', { body }), context);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(json(response)).toEqual({
      error: {
        code: 'BAD_REQUEST',
        message: 'The request body is not a valid order',
        requestId: context.awsRequestId,
        details: [{ field: 'items.0.quantity', message: expect.any(String) }],
      },
    });
    expect(repository.changes).toHaveLength(0);
  });

  it.each([
    ['a wrong content type', { rawBody: '{}', headers: { 'content-type': 'text/plain' } }, 415],
    ['malformed JSON', { rawBody: '{"items":' }, 400],
    ['a body over 64 KiB', { rawBody: JSON.stringify({ note: 'x'.repeat(70_000) }) }, 413],
    [
      'a malformed Idempotency-Key',
      { body: validOrderBody(), headers: { 'idempotency-key': 'has space' } },
      400,
    ],
  ])('rejects %s', async (_case, options, status) => {
    // Prepare
    const { handler } = apiHarness();
    const context = lambdaContext();

    // Act
    const response = await handler(apiEvent('POST /orders', options), context);

    // Assess
    expect(response.statusCode).toBe(status);
    expect(json(response).error.requestId).toBe(context.awsRequestId);
  });

  it('answers 401 with a challenge when it is reached without an authorizer context', async () => {
    // Prepare: API Gateway denies bad tokens itself; this is the check behind it.
    const { handler, repository } = apiHarness();

    // Act
    const incomplete = await handler(
      apiEvent('POST /orders', { body: validOrderBody(), authorizer: { customerId: 'cust-ada' } }),
      lambdaContext(),
    );
    const none = await handler(apiEvent('GET /orders', { authorizer: null }), lambdaContext());

    // Assess
    for (const response of [incomplete, none]) {
      expect(response.statusCode).toBe(401);
      expect(json(response).error).toMatchObject({ code: 'UNAUTHORIZED' });
      expect(response.headers['www-authenticate']).toBe('Bearer realm="orders-api"');
    }
    expect(repository.changes).toHaveLength(0);
  });

  it('answers 401 expired_token once the token expired, although the gateway cached its answer', async () => {
    // Prepare: the authorizer allowed the token at 10:00; API Gateway keeps that answer for
    // up to 300 s, so a request can arrive after the token's exp.
    const { handler, repository, runtime } = apiHarness();
    const expiresAt = runtime.now().getTime() / 1000 + 60;
    const request = () =>
      apiEvent('POST /orders', {
        body: validOrderBody(),
        authorizer: { customerId: customer.id, email: customer.email, expiresAt },
      });

    // Act
    runtime.advance(60_000 + 30_000); // exp + the 30 s clock tolerance: still valid
    const withinTolerance = await handler(request(), lambdaContext());
    runtime.advance(1_000);
    const expired = await handler(request(), lambdaContext());

    // Assess
    expect(withinTolerance.statusCode).toBe(201);
    expect(expired.statusCode).toBe(401);
    expect(json(expired).error.message).toBe('The bearer token has expired');
    expect(expired.headers['www-authenticate']).toBe(
      'Bearer realm="orders-api", error="invalid_token"',
    );
    expect(repository.changes).toHaveLength(1);
  });

  it("answers 404 for another customer's order and for ids that cannot exist", async () => {
    // Prepare
    const { handler } = apiHarness();
    const placed = json(
      await handler(apiEvent('POST /orders', { body: validOrderBody() }), lambdaContext()),
    );

    // Act
    const own = await handler(
      apiEvent('GET /orders/{orderId}', { pathParameters: { orderId: placed.orderId } }),
      lambdaContext(),
    );
    const foreign = await handler(
      apiEvent('GET /orders/{orderId}', {
        pathParameters: { orderId: placed.orderId },
        who: otherCustomer,
      }),
      lambdaContext(),
    );
    const bogus = await handler(
      apiEvent('GET /orders/{orderId}', { pathParameters: { orderId: '../etc' } }),
      lambdaContext(),
    );

    // Assess
    expect(own.statusCode).toBe(200);
    expect(json(own)).toEqual(placed);
    expect(foreign.statusCode).toBe(404);
    expect(json(foreign).error).toMatchObject({ code: 'NOT_FOUND', message: 'Order not found' });
    expect(bogus.statusCode).toBe(404);
  });

  it('cancels once (200, OrdersCancelled) and answers 409 the second time', async () => {
    // Prepare
    const { handler, metrics } = apiHarness();
    const placed = json(
      await handler(apiEvent('POST /orders', { body: validOrderBody() }), lambdaContext()),
    );
    const cancel = () =>
      handler(
        apiEvent('POST /orders/{orderId}/cancel', { pathParameters: { orderId: placed.orderId } }),
        lambdaContext(),
      );

    // Act
    const first = await cancel();
    const second = await cancel();

    // Assess
    expect(first.statusCode).toBe(200);
    expect(json(first)).toMatchObject({ orderId: placed.orderId, status: 'CANCELLED' });
    expect(second.statusCode).toBe(409);
    expect(json(second).error.details).toEqual({ status: 'CANCELLED' });
    expect(metrics.total('OrdersCancelled')).toBe(1);
  });

  it('answers 409 with Retry-After while a request with the same key is in progress', async () => {
    // Prepare: a first request took the key and has not finished (e.g. still running).
    const { handler, idempotencyStore, repository } = apiHarness();
    const request = () =>
      apiEvent('POST /orders', { body: validOrderBody(), headers: { 'idempotency-key': 'k' } });
    await handler(request(), lambdaContext());
    markInProgress(idempotencyStore, Date.now() + 60_000);

    // Act
    const response = await handler(request(), lambdaContext());

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.headers['retry-after']).toBe('1');
    expect(json(response).error.message).toMatch(/still in progress/);
    expect(repository.changes).toHaveLength(1);
  });

  it('makes no second order when the first request died before its idempotency record completed', async () => {
    // Prepare: the order was written, then the process died; the in-progress record expired.
    const { handler, idempotencyStore, repository, metrics } = apiHarness();
    const request = () =>
      apiEvent('POST /orders', { body: validOrderBody(), headers: { 'idempotency-key': 'k' } });
    const first = json(await handler(request(), lambdaContext()));
    markInProgress(idempotencyStore, Date.now() - 1);

    // Act
    const retry = await handler(request(), lambdaContext());

    // Assess
    expect(retry.statusCode).toBe(201);
    expect(json(retry)).toEqual(first);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(repository.changes).toHaveLength(1);
    expect(metrics.total('OrdersPlaced')).toBe(1);
  });

  it('answers 500 with a generic message when storage fails', async () => {
    // Prepare
    const { handler, repository } = apiHarness();
    repository.getOrder = async () => {
      throw new Error('table name orders-secret-table is gone');
    };

    // Act
    const response = await handler(
      apiEvent('GET /orders/{orderId}', {
        pathParameters: { orderId: '01JNR8W3D2C6VQ5B2T0Y8M4K1A' },
      }),
      lambdaContext(),
    );

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('orders-secret-table');
  });
});
