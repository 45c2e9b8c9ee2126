import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lambdaContext } from '@shop/testing/lambda';
import { describe, expect, it } from 'vitest';
import { createJoseTokenVerifier } from '../../src/adapters/JoseTokenVerifier.js';
import { createAuthorizerHandler } from '../../src/app/createAuthorizerHandler.js';
import { createPublisherHandler } from '../../src/app/createPublisherHandler.js';
import { ROUTES } from '../../src/app/routes.js';
import { buildOrder } from '../../src/domain/Order.js';
import { validatePlaceOrderRequest } from '../../src/domain/orderRequest.js';
import { apiHarness, FakeMetrics, silentLogger } from '../support/apiHarness.js';
import { FakeEventQueue } from '../support/fakes.js';
import { validOrderBody } from '../support/fixtures.js';

// events/orders-api/*.json are the samples for `sam local invoke -e`: they must stay usable.
// The sample token in them is signed with this development key (see the README).
const DEV_KEY = 'local-dev-signing-key-0123456789abcdefghijklmnopqrstuvwxyzABCDEF';
const folder = fileURLToPath(new URL('../../../../events/orders-api/', import.meta.url));
const load = (file: string) => JSON.parse(readFileSync(`${folder}${file}`, 'utf8'));
const files = readdirSync(folder).filter((file) => file.endsWith('.json'));

const EXPECTED_STATUS: Record<string, number> = {
  'placeOrder.json': 201,
  'placeOrderInvalid.json': 400,
  'placeOrderWithoutAuthorizer.json': 401,
  'listOrders.json': 200,
  'getOrder.json': 200,
  'cancelOrder.json': 200,
};

describe('sample events', () => {
  it('cover every route and the authorizer', () => {
    // Act
    const routeKeys = files.map((file) => load(file).routeKey);
    const authorizerEvents = files.filter((file) => load(file).type === 'REQUEST');
    const streamEvents = files.filter(
      (file) => load(file).Records?.[0]?.eventSource === 'aws:dynamodb',
    );

    // Assess
    for (const route of Object.keys(ROUTES)) expect(routeKeys).toContain(route);
    expect(authorizerEvents.length).toBeGreaterThan(0);
    expect(streamEvents.length).toBeGreaterThan(0);
    expect(Object.keys(EXPECTED_STATUS).every((file) => files.includes(file))).toBe(true);
  });

  it.each(Object.entries(EXPECTED_STATUS))('%s answers %i', async (file, status) => {
    // Prepare: the order the by-id samples refer to exists for the sample customer.
    const event = load(file);
    const harness = apiHarness();
    const orderId = event.pathParameters?.orderId;
    if (orderId) {
      const parsed = validatePlaceOrderRequest(validOrderBody());
      if (!parsed.success) throw new Error('fixture is invalid');
      const { customerId, email } = event.requestContext.authorizer.lambda;
      const order = buildOrder({
        orderId,
        customerId,
        createdAt: '2026-03-01T10:00:00.000Z',
        request: parsed.request,
      });
      await harness.repository.createOrder({ order, customerEmail: email });
    }

    // Act
    const response = await harness.handler(event, lambdaContext());

    // Assess
    expect(response.statusCode).toBe(status);
  });

  it.each([
    ['authorizer.json', true],
    ['authorizerInvalidToken.json', false],
  ])('%s is authorized: %s', async (file, authorized) => {
    // Prepare
    const handler = createAuthorizerHandler({
      verifier: createJoseTokenVerifier({
        keys: { current: async () => ({ current: DEV_KEY }) },
        issuer: 'shop-auth',
        audience: 'shop-orders-api',
      }),
      logger: silentLogger(),
    });

    // Act
    const result = await handler(load(file), lambdaContext());

    // Assess
    expect(result.isAuthorized).toBe(authorized);
  });

  it.each([
    ['publisherOrderPlaced.json', ['OrderPlaced'], 0],
    ['publisherOrderCancelled.json', ['OrderCancelled'], 0],
    ['publisherBatchWithBadRecord.json', ['OrderPlaced', 'OrderPlaced', 'OrderCancelled'], 1],
  ])('%s publishes %j and quarantines %i', async (file, types, quarantined) => {
    // Prepare
    const queue = new FakeEventQueue();
    const handler = createPublisherHandler({
      queue,
      logger: silentLogger(),
      metrics: new FakeMetrics(),
    });

    // Act
    const result = await handler(load(file), lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(queue.sent.map((event) => event.type)).toEqual(types);
    expect(queue.quarantined).toHaveLength(quarantined);
  });
});
