import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { expectEqual, expectMatch, expectTrue } from '../expect.ts';
import { drainQueue, jsonBody, scanTable } from './backendReads.ts';
import type { Case, CaseContext } from './types.ts';

/**
 * The key the sample token in events/orders-api is signed with (services/orders-api/README.md,
 * "Sample events"); the verifier stores it as SigningKeySecret's value.
 */
export const DEV_SIGNING_KEY = 'local-dev-signing-key-0123456789abcdefghijklmnopqrstuvwxyzABCDEF';

const CUSTOMER = { customerId: 'cust-7f3a9c', email: 'ada@example.com' };
/** The order getOrder.json and cancelOrder.json name. */
const SAMPLE_ORDER_ID = '01JNR8W3D2C6VQ5B2T0Y8M4K1A';
/** When events/orders-api/publisher*.json say the sample order was created. */
const SAMPLE_ORDER_CREATED_AT = '2026-03-01T10:00:00.000Z';
const PLACED = 'placedOrderId';

const placed = (ctx: CaseContext) => {
  const id = ctx.state.get(PLACED);
  expectTrue(id, 'placeOrder.json did not place an order, so this case cannot run');
  return id;
};

const ordersOf = async (ctx: CaseContext) =>
  (await scanTable(ctx, 'OrdersTable')).filter((item) => item.customerId === CUSTOMER.customerId);

/** The API writes DynamoDB only: order events come from the table's stream (publisher cases). */
const noEvents = {
  what: 'nothing sent to SQS (OrderEventsQueue empty)',
  check: async (ctx: CaseContext) =>
    expectEqual(await drainQueue(ctx, 'OrderEventsQueue'), [], 'messages on OrderEventsQueue'),
};

/** Powertools idempotency records of POST /orders (key prefix orders-api.placeOrder). */
const idempotencyRecords = async (ctx: CaseContext) =>
  (await scanTable(ctx, 'OrdersIdempotencyTable')).filter((item) =>
    String(item.id).startsWith('orders-api.placeOrder#'),
  );

const oneIdempotencyRecord = {
  what: 'exactly one COMPLETED orders-api.placeOrder record in OrdersIdempotencyTable, holding the order',
  check: async (ctx: CaseContext) => {
    const records = await idempotencyRecords(ctx);
    expectMatch(
      records,
      [{ status: 'COMPLETED', data: { order: { orderId: placed(ctx), status: 'PLACED' } } }],
      'OrdersIdempotencyTable records',
    );
    const expiresIn = Number(records[0]?.expiration) - Date.now() / 1000;
    expectTrue(
      expiresIn > 23 * 3600 && expiresIn < 24 * 3600 + 60,
      `the record expires in ${Math.round(expiresIn)} s, not in about 24 hours (DynamoDB TTL attribute \`expiration\`)`,
    );
  },
};

const oneOrderStored = {
  what: 'still exactly one order of the customer in OrdersTable',
  check: async (ctx: CaseContext) =>
    expectEqual((await ordersOf(ctx)).length, 1, 'orders of cust-7f3a9c'),
};

/**
 * The order getOrder/cancelOrder name: a copy of the placed one under the sample's id,
 * created when the publisher samples say it was (so it lists after the one placed now).
 */
const seedSampleOrder = async (ctx: CaseContext) => {
  const id = placed(ctx);
  const original = (await ordersOf(ctx)).find((item) => item.orderId === id);
  expectTrue(original, `order ${id} is not in OrdersTable`);
  const copy = JSON.parse(JSON.stringify(original).replaceAll(id, SAMPLE_ORDER_ID));
  copy.createdAt = SAMPLE_ORDER_CREATED_AT;
  await ctx.clients.dynamodb.send(
    new PutItemCommand({ TableName: ctx.stack.table('OrdersTable'), Item: marshall(copy) }),
  );
};

export const ordersApiCases: Case[] = [
  {
    event: 'events/orders-api/authorizerInvalidToken.json',
    functionId: 'AuthorizerFunction',
    stack: 'shop-dev',
    title: 'bad signature: denied (API Gateway answers 403), no context',
    expect: { payload: { isAuthorized: false, context: undefined } },
  },
  {
    event: 'events/orders-api/authorizer.json',
    functionId: 'AuthorizerFunction',
    stack: 'shop-dev',
    title: 'token verified with the key read from Secrets Manager',
    expect: {
      payload: { isAuthorized: true, context: { ...CUSTOMER, authenticated: undefined } },
    },
  },
  {
    event: 'events/orders-api/placeOrder.json',
    functionId: 'OrdersApiFunction',
    stack: 'shop-dev',
    title: 'order placed',
    expect: {
      statusCode: 201,
      headers: { location: /^\/orders\/[0-9A-Z]{26}$/ },
      body: { customerId: CUSTOMER.customerId, status: 'PLACED', currency: 'EUR', total: 5499 },
    },
    effects: [
      {
        what: 'order stored in OrdersTable as PLACED',
        check: async (ctx, response) => {
          const { orderId } = jsonBody(response) as { orderId: string };
          ctx.state.set(PLACED, orderId);
          const stored = (await ordersOf(ctx)).filter((item) => item.orderId === orderId);
          expectMatch(
            stored,
            [{ status: 'PLACED', total: 5499 }],
            `OrdersTable items of ${orderId}`,
          );
        },
      },
      oneIdempotencyRecord,
      noEvents,
    ],
  },
  {
    event: 'events/orders-api/placeOrder.json',
    functionId: 'OrdersApiFunction',
    stack: 'shop-dev',
    title: 'same Idempotency-Key again: the same order, replayed',
    expect: (ctx) => ({
      statusCode: 201,
      headers: { 'idempotent-replayed': 'true' },
      body: { orderId: placed(ctx), status: 'PLACED' },
    }),
    effects: [oneOrderStored, oneIdempotencyRecord, noEvents],
  },
  {
    event: 'events/orders-api/placeOrderInvalid.json',
    functionId: 'OrdersApiFunction',
    stack: 'shop-dev',
    title: 'invalid body: 400 naming every bad field',
    expect: {
      statusCode: 400,
      body: {
        error: {
          code: 'BAD_REQUEST',
          details: [
            { field: 'items.0.quantity' },
            { field: 'items.0.unitPrice' },
            { field: 'currency' },
            { field: 'shippingAddress' },
          ],
        },
      },
    },
    effects: [oneOrderStored, noEvents],
  },
  {
    event: 'events/orders-api/placeOrderWithoutAuthorizer.json',
    functionId: 'OrdersApiFunction',
    stack: 'shop-dev',
    title: 'no authorizer context (route without the authorizer): 401',
    expect: {
      statusCode: 401,
      headers: { 'www-authenticate': /^Bearer / },
      body: { error: { code: 'UNAUTHORIZED' } },
    },
    effects: [oneOrderStored, noEvents],
  },
  {
    event: 'events/orders-api/listOrders.json',
    functionId: 'OrdersApiFunction',
    stack: 'shop-dev',
    title: "the customer's orders, newest first",
    prepare: seedSampleOrder,
    expect: (ctx) => ({
      statusCode: 200,
      body: { orders: [{ orderId: placed(ctx) }, { orderId: SAMPLE_ORDER_ID }], nextCursor: null },
    }),
  },
  {
    event: 'events/orders-api/getOrder.json',
    functionId: 'OrdersApiFunction',
    stack: 'shop-dev',
    title: 'one order by id',
    expect: {
      statusCode: 200,
      body: { orderId: SAMPLE_ORDER_ID, customerId: CUSTOMER.customerId, status: 'PLACED' },
    },
  },
  {
    event: 'events/orders-api/cancelOrder.json',
    functionId: 'OrdersApiFunction',
    stack: 'shop-dev',
    title: 'order cancelled',
    expect: { statusCode: 200, body: { orderId: SAMPLE_ORDER_ID, status: 'CANCELLED' } },
    effects: [
      {
        what: 'order CANCELLED in OrdersTable',
        check: async (ctx) =>
          expectMatch(
            (await ordersOf(ctx)).filter((item) => item.orderId === SAMPLE_ORDER_ID),
            [{ status: 'CANCELLED' }],
            `OrdersTable items of ${SAMPLE_ORDER_ID}`,
          ),
      },
      noEvents,
    ],
  },
];
