import { expectEqual, expectMatch } from '../expect.ts';
import { drainQueueMessages } from './backendReads.ts';
import type { Case, CaseContext, Effect } from './types.ts';

// OrderEventsPublisherFunction: OrdersTable stream records in, OrderPlaced / OrderCancelled on
// OrderEventsQueue (FIFO: group = order id, deduplication id = event id) out; a record that is
// no valid order is quarantined whole in OrderEventsPublisherDeadLetterQueue.

const CUSTOMER = { id: 'cust-7f3a9c', email: 'ada@example.com' };
const ORDER_A = '01JNR8W3D2C6VQ5B2T0Y8M4K1A';
const ORDER_B = '01JNR8W3D2C6VQ5B2T0Y8M4K1B';
const ORDER_C = '01JNR8W3D2C6VQ5B2T0Y8M4K1C';

/**
 * Event ids are name-based UUIDs (v5) of type and order id (services/orders-api
 * `eventIdFor`): every redelivery of a stream record gives the same id, so SQS drops the copy.
 */
const EVENT_IDS = {
  placedA: '9f9afdbd-683f-5d9a-93df-4cfd863e2687',
  cancelledA: 'fab5f3bc-d32b-5ae7-955d-e7b08b1b8bd8',
  placedB: '801b5664-9a7a-5831-9f57-de3892a13295',
};

/** One FIFO message of an order event: body, group, deduplication id, attributes. */
const orderEvent = (
  type: 'OrderPlaced' | 'OrderCancelled',
  orderId: string,
  eventId: string,
  order: Record<string, unknown> = {},
) => ({
  body: {
    type,
    version: 1,
    eventId,
    order: { orderId, customerId: CUSTOMER.id, ...order },
    customer: CUSTOMER,
  },
  groupId: orderId,
  deduplicationId: eventId,
  attributes: { eventType: type, eventVersion: '1' },
});

const placedA = orderEvent('OrderPlaced', ORDER_A, EVENT_IDS.placedA, {
  status: 'PLACED',
  total: 5499,
  currency: 'EUR',
});
const cancelledA = orderEvent('OrderCancelled', ORDER_A, EVENT_IDS.cancelledA, {
  status: 'CANCELLED',
  cancelledAt: '2026-03-01T10:05:00.000Z',
});
const placedB = orderEvent('OrderPlaced', ORDER_B, EVENT_IDS.placedB, { status: 'PLACED' });

type OrderEventMessage = ReturnType<typeof orderEvent>;

/**
 * What OrderEventsQueue.fifo holds, by message group (order id), each group in the order SQS
 * delivers it: FIFO orders messages within a group only.
 */
const onEventsQueue = (what: string, expected: Record<string, OrderEventMessage[]>): Effect => ({
  what: `OrderEventsQueue.fifo holds ${what}`,
  check: async (ctx: CaseContext) => {
    const groups: Record<string, unknown[]> = {};
    for (const message of await drainQueueMessages(ctx, 'OrderEventsQueue')) {
      const group = message.groupId ?? '(no MessageGroupId)';
      groups[group] ??= [];
      groups[group].push(message);
    }
    expectEqual(
      Object.keys(groups).sort(),
      Object.keys(expected).sort(),
      'message groups on OrderEventsQueue',
    );
    expectMatch(groups, expected, 'messages on OrderEventsQueue by group');
  },
});

const nothingQuarantined: Effect = {
  what: 'nothing in OrderEventsPublisherDeadLetterQueue',
  check: async (ctx) =>
    expectEqual(
      await drainQueueMessages(ctx, 'OrderEventsPublisherDeadLetterQueue'),
      [],
      'messages on OrderEventsPublisherDeadLetterQueue',
    ),
};

/** The bad record of publisherBatchWithBadRecord.json (total "not a number", email "not-an-email"). */
const badRecordQuarantined: Effect = {
  what: `the record of ${ORDER_C} (no valid order) quarantined whole, with the reason, in OrderEventsPublisherDeadLetterQueue`,
  check: async (ctx) =>
    expectMatch(
      await drainQueueMessages(ctx, 'OrderEventsPublisherDeadLetterQueue'),
      [
        {
          body: {
            reason: /total/,
            record: {
              eventID: 'c81e728d9d4c2f636f067f89cc100700',
              eventName: 'INSERT',
              dynamodb: {
                SequenceNumber: '4421584500000000000000000700',
                NewImage: { orderId: { S: ORDER_C } },
              },
            },
          },
          groupId: undefined,
          attributes: { reason: /total/ },
        },
      ],
      'messages on OrderEventsPublisherDeadLetterQueue',
    ),
};

export const ordersPublisherCases: Case[] = [
  {
    event: 'events/orders-api/publisherOrderPlaced.json',
    functionId: 'OrderEventsPublisherFunction',
    stack: 'shop-dev',
    title: 'order inserted: OrderPlaced on the FIFO queue (group = order id, dedup id = event id)',
    expect: { batchItemFailures: [] },
    effects: [
      onEventsQueue(`one OrderPlaced of ${ORDER_A}`, { [ORDER_A]: [placedA] }),
      nothingQuarantined,
    ],
  },
  {
    event: 'events/orders-api/publisherOrderCancelled.json',
    functionId: 'OrderEventsPublisherFunction',
    stack: 'shop-dev',
    title: 'PLACED -> CANCELLED: OrderCancelled on the FIFO queue',
    expect: { batchItemFailures: [] },
    effects: [
      onEventsQueue(`one OrderCancelled of ${ORDER_A}`, { [ORDER_A]: [cancelledA] }),
      nothingQuarantined,
    ],
  },
  {
    event: 'events/orders-api/publisherBatchWithBadRecord.json',
    functionId: 'OrderEventsPublisherFunction',
    stack: 'shop-dev',
    title:
      'batch after the two cases above: the bad record quarantined; the events already sent are deduplicated by SQS',
    expect: { batchItemFailures: [] },
    effects: [
      onEventsQueue(
        `only ${ORDER_B}'s OrderPlaced (${ORDER_A}'s OrderPlaced and OrderCancelled carry the event ids sent by the two cases above, within SQS's 5-minute deduplication window)`,
        { [ORDER_B]: [placedB] },
      ),
      badRecordQuarantined,
    ],
  },
  {
    event: 'events/orders-api/publisherBatchWithBadRecord.json',
    functionId: 'OrderEventsPublisherFunction',
    stack: 'shop-events',
    title: 'batch on a fresh stack: three events sent in stream order, the bad record quarantined',
    expect: { batchItemFailures: [] },
    effects: [
      onEventsQueue(
        `${ORDER_A}: OrderPlaced then OrderCancelled (stream order); ${ORDER_B}: OrderPlaced`,
        { [ORDER_A]: [placedA, cancelledA], [ORDER_B]: [placedB] },
      ),
      badRecordQuarantined,
    ],
  },
];
