import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDBOrderRepository } from '../../src/adapters/DynamoDBOrderRepository.js';
import { storedOrderToItem } from '../../src/adapters/orderItems.js';
import {
  MAX_QUARANTINED_BYTES,
  SqsOrderEventQueue,
} from '../../src/adapters/SqsOrderEventQueue.js';
import { orderCancelledEvent, orderPlacedEvent } from '../../src/domain/Order.js';
import { customer, sampleOrder as orderOf } from '../support/fixtures.js';

const sqsMock = mockClient(SQSClient);
const dynamoMock = mockClient(DynamoDBDocumentClient);
// Unit test files share one module graph per worker: put the clients' send back after this file.
afterAll(() => {
  sqsMock.restore();
  dynamoMock.restore();
});

const sampleOrder = (orderId = '01JNR8W3D2C6VQ5B2T0Y8M4K1A') => orderOf(orderId);
const stored = (order = sampleOrder()) => ({ order, customerEmail: customer.email });

/** As DynamoDB fails a condition; `item`: what it returns with ReturnValuesOnConditionCheckFailure. */
const conditionFailed = (item?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(item === undefined ? {} : { Item: marshall(item, { removeUndefinedValues: true }) }),
  });

describe('SqsOrderEventQueue', () => {
  const queue = () =>
    new SqsOrderEventQueue(new SQSClient({ region: 'us-east-1' }), {
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/events.fifo',
      deadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/publisher-dlq',
    });

  beforeEach(() => sqsMock.reset());

  it('sends one FIFO message per event: group = order id, deduplication id = event id', async () => {
    // Prepare
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const placed = orderPlacedEvent(sampleOrder(), customer);
    const other = orderPlacedEvent(sampleOrder('01JNR8W3D2C6VQ5B2T0Y8M4K1B'), customer);

    // Act
    const failed = await queue().sendBatch([placed, other]);

    // Assess
    expect(failed).toEqual([]);
    const input = sqsMock.commandCalls(SendMessageBatchCommand)[0]?.args[0].input;
    expect(input?.QueueUrl).toMatch(/events\.fifo$/);
    expect(input?.Entries?.[0]).toEqual({
      Id: '0',
      MessageBody: JSON.stringify(placed),
      MessageGroupId: placed.order.orderId,
      MessageDeduplicationId: placed.eventId,
      MessageAttributes: {
        eventType: { DataType: 'String', StringValue: 'OrderPlaced' },
        eventVersion: { DataType: 'Number', StringValue: '1' },
      },
    });
    expect(input?.Entries?.[1]?.MessageGroupId).toBe('01JNR8W3D2C6VQ5B2T0Y8M4K1B');
  });

  it('returns the entries SQS did not accept, telling its own faults from refusals', async () => {
    // Prepare
    sqsMock.on(SendMessageBatchCommand).resolves({
      Failed: [
        { Id: '1', Code: 'InternalError', SenderFault: false },
        { Id: '0', Code: 'InvalidParameterValue', SenderFault: true, Message: 'bad group' },
      ],
    });
    const order = sampleOrder();
    const cancelled = { ...order, status: 'CANCELLED' as const, cancelledAt: order.createdAt };
    const events = [
      orderPlacedEvent(sampleOrder('01JNR8W3D2C6VQ5B2T0Y8M4K1B'), customer),
      orderCancelledEvent(cancelled, customer),
    ];

    // Act / Assess
    await expect(queue().sendBatch(events)).resolves.toEqual([
      { eventId: events[0]?.eventId, refused: 'InvalidParameterValue: bad group' },
      { eventId: events[1]?.eventId },
    ]);
  });

  it('sends a body SQS accepts when the event carries characters SQS refuses', async () => {
    // Prepare
    sqsMock.on(SendMessageBatchCommand).resolves({ Failed: [] });
    const order = { ...sampleOrder(), note: 'a\uFFFEb\uFFFF' };
    const event = orderPlacedEvent(order, customer);

    // Act
    await queue().sendBatch([event]);

    // Assess
    const body = String(
      sqsMock.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries?.[0]?.MessageBody,
    );
    expect(body).not.toMatch(/[\uFFFE\uFFFF]/);
    expect(JSON.parse(body)).toEqual(event);
  });

  it('quarantines a record whole, with its reason, in the dead-letter queue', async () => {
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    await queue().quarantine({ eventID: 'e-1' }, 'total: expected number');
    expect(sqsMock).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/publisher-dlq',
      MessageBody: JSON.stringify({ reason: 'total: expected number', record: { eventID: 'e-1' } }),
    });
  });

  it('quarantines in a body SQS accepts: refused characters escaped, a huge record by position', async () => {
    // Prepare
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const odd = { eventID: 'e-2', dynamodb: { NewImage: { note: { S: 'a\uFFFEb\uFFFF' } } } };
    const huge = {
      eventID: 'e-3',
      eventName: 'MODIFY',
      dynamodb: {
        Keys: { pk: { S: 'CUSTOMER#c' }, sk: { S: 'ORDER#o' } },
        SequenceNumber: '42',
        NewImage: { blob: { S: 'x'.repeat(MAX_QUARANTINED_BYTES) } },
      },
    };

    // Act
    await queue().quarantine(odd, 'not an order');
    await queue().quarantine(huge, 'not an order');

    // Assess
    const [first, second] = sqsMock
      .commandCalls(SendMessageCommand)
      .map((call) => String(call.args[0].input.MessageBody));
    expect(first).not.toMatch(/[\uFFFE\uFFFF]/);
    expect(JSON.parse(first ?? '')).toEqual({ reason: 'not an order', record: odd });
    expect(JSON.parse(second ?? '')).toEqual({
      reason: 'not an order',
      truncated: true,
      record: {
        eventID: 'e-3',
        eventName: 'MODIFY',
        keys: huge.dynamodb.Keys,
        sequenceNumber: '42',
      },
    });
  });
});

describe('DynamoDBOrderRepository', () => {
  const repository = () =>
    new DynamoDBOrderRepository(new DynamoDBClient({ region: 'us-east-1' }), 'orders-table');

  beforeEach(() => dynamoMock.reset());

  it('writes a new order only if its key is free, with entity and customer address', async () => {
    // Prepare
    dynamoMock.on(PutCommand).resolves({});

    // Act
    const result = await repository().createOrder(stored());

    // Assess
    expect(result).toEqual({ created: true });
    expect(dynamoMock).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'orders-table',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: expect.objectContaining({
        pk: 'CUSTOMER#cust-ada',
        sk: 'ORDER#01JNR8W3D2C6VQ5B2T0Y8M4K1A',
        entity: 'Order',
        status: 'PLACED',
        customerEmail: 'ada@example.com',
      }),
    });
  });

  it('returns the stored order that failed the condition instead of overwriting it', async () => {
    // Prepare
    const first = { ...stored(), requestFingerprint: 'f-1' };
    dynamoMock.on(PutCommand).rejects(conditionFailed(storedOrderToItem(first)));

    // Act / Assess
    await expect(repository().createOrder(stored())).resolves.toEqual({
      created: false,
      existing: first,
    });
    expect(dynamoMock).toHaveReceivedCommandWith(PutCommand, {
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(dynamoMock).not.toHaveReceivedCommand(GetCommand);
    // A backend that returns no item with the failure is an error, never a guess.
    dynamoMock.on(PutCommand).rejects(conditionFailed());
    await expect(repository().createOrder(stored())).rejects.toThrow('returned no stored order');
  });

  it('lists newest first through ByCreatedAt, resuming after the given position', async () => {
    // Prepare
    const orders = ['01JNR8W3D2C6VQ5B2T0Y8M4K1C', '01JNR8W3D2C6VQ5B2T0Y8M4K1B'].map((id) =>
      storedOrderToItem(stored(sampleOrder(id))),
    );
    dynamoMock.on(QueryCommand).resolves({ Items: orders });
    const after = { orderId: '01JNR8W3D2C6VQ5B2T0Y8M4K1D', createdAt: '2026-03-01T11:00:00.000Z' };

    // Act
    const page = await repository().listOrders(customer.id, { limit: 1, after });

    // Assess
    expect(page.orders.map((o) => o.orderId)).toEqual(['01JNR8W3D2C6VQ5B2T0Y8M4K1C']);
    expect(page.orders[0]).not.toHaveProperty('customerEmail');
    expect(page.last).toEqual({
      orderId: '01JNR8W3D2C6VQ5B2T0Y8M4K1C',
      createdAt: '2026-03-01T10:00:00.000Z',
    });
    expect(dynamoMock).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'ByCreatedAt',
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: 2,
      ExclusiveStartKey: {
        pk: 'CUSTOMER#cust-ada',
        sk: 'ORDER#01JNR8W3D2C6VQ5B2T0Y8M4K1D',
        createdAt: '2026-03-01T11:00:00.000Z',
      },
    });
  });

  it('cancels with a PLACED condition; a failed one says why from the item it returns', async () => {
    // Prepare
    const cancelled = {
      ...sampleOrder(),
      status: 'CANCELLED' as const,
      cancelledAt: '2026-03-01T11:00:00.000Z',
    };
    const cancelledItem = storedOrderToItem({ ...stored(), order: cancelled });
    dynamoMock
      .on(UpdateCommand)
      .resolvesOnce({ Attributes: cancelledItem })
      .rejectsOnce(conditionFailed(cancelledItem))
      .rejectsOnce(conditionFailed())
      .rejectsOnce(new Error('throttled'));
    const cancel = () =>
      repository().cancelOrder(
        customer.id,
        '01JNR8W3D2C6VQ5B2T0Y8M4K1A',
        '2026-03-01T11:00:00.000Z',
      );

    // Act / Assess
    await expect(cancel()).resolves.toEqual({ result: 'cancelled', order: cancelled });
    // Not retried by the SDK: the same cancelledAt is someone else's cancel, not this call's.
    await expect(cancel()).resolves.toEqual({ result: 'conflict', order: cancelled });
    await expect(cancel()).resolves.toEqual({ result: 'missing' });
    await expect(cancel()).rejects.toThrow('throttled');
    expect(dynamoMock).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: '#status = :placed',
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(dynamoMock).not.toHaveReceivedCommand(GetCommand);
  });
});
