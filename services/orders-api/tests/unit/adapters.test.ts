import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDBOrderRepository } from '../../src/adapters/DynamoDBOrderRepository.js';
import { SqsOrderEventPublisher } from '../../src/adapters/SqsOrderEventPublisher.js';
import { buildOrder, orderPlacedEvent } from '../../src/domain/Order.js';
import { validatePlaceOrderRequest } from '../../src/domain/orderRequest.js';
import { customer, validOrderBody } from '../support/fixtures.js';

const sqsMock = mockClient(SQSClient);
const dynamoMock = mockClient(DynamoDBDocumentClient);

const sampleOrder = () => {
  const parsed = validatePlaceOrderRequest(validOrderBody());
  if (!parsed.success) throw new Error('fixture is invalid');
  return buildOrder({
    orderId: '01JNR8W3D2C6VQ5B2T0Y8M4K1A',
    customerId: customer.id,
    createdAt: '2026-03-01T10:00:00.000Z',
    request: parsed.request,
  });
};

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('SqsOrderEventPublisher', () => {
  beforeEach(() => sqsMock.reset());

  it('sends the contract JSON with eventType and eventVersion attributes', async () => {
    // Prepare
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const event = orderPlacedEvent(sampleOrder(), customer);
    const publisher = new SqsOrderEventPublisher(
      new SQSClient({ region: 'us-east-1' }),
      'https://sqs/q',
    );

    // Act
    await publisher.publish(event);

    // Assess
    expect(sqsMock).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: 'https://sqs/q',
      MessageAttributes: {
        eventType: { DataType: 'String', StringValue: 'OrderPlaced' },
        eventVersion: { DataType: 'Number', StringValue: '1' },
      },
    });
    const body = sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody;
    expect(JSON.parse(body ?? '')).toEqual(event);
  });

  it('lets the failure surface when SQS refuses', async () => {
    // Prepare
    sqsMock.on(SendMessageCommand).rejects(new Error('throttled'));
    const publisher = new SqsOrderEventPublisher(
      new SQSClient({ region: 'us-east-1' }),
      'https://sqs/q',
    );

    // Act / Assess
    await expect(publisher.publish(orderPlacedEvent(sampleOrder(), customer))).rejects.toThrow(
      'throttled',
    );
  });
});

describe('DynamoDBOrderRepository', () => {
  const repository = () =>
    new DynamoDBOrderRepository(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
      'orders-table',
    );

  beforeEach(() => dynamoMock.reset());

  it('writes a new order only if its key is free, with the event pending', async () => {
    // Prepare
    dynamoMock.on(PutCommand).resolves({});
    const order = sampleOrder();

    // Act
    const result = await repository().createOrder(order, orderPlacedEvent(order, customer));

    // Assess
    expect(result).toEqual({ created: true });
    expect(dynamoMock).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'orders-table',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: expect.objectContaining({
        pk: 'CUSTOMER#cust-ada',
        sk: 'ORDER#01JNR8W3D2C6VQ5B2T0Y8M4K1A',
        status: 'PLACED',
        pendingEventId: expect.any(String),
      }),
    });
  });

  it('reports an existing order instead of overwriting it', async () => {
    // Prepare
    dynamoMock.on(PutCommand).rejects(conditionFailed());
    const order = sampleOrder();

    // Act / Assess
    await expect(
      repository().createOrder(order, orderPlacedEvent(order, customer)),
    ).resolves.toEqual({
      created: false,
    });
  });

  it('returns the stored idempotency record when the key is taken', async () => {
    // Prepare
    dynamoMock.on(PutCommand).rejects(conditionFailed());
    dynamoMock.on(GetCommand).resolves({
      Item: {
        fingerprint: 'f-first',
        orderId: '01JNR8W3D2C6VQ5B2T0Y8M4K1B',
        createdAt: '2026-03-01T09:00:00.000Z',
        expiresAt: 1,
      },
    });

    // Act
    const record = await repository().claimIdempotencyKey({
      customerId: customer.id,
      key: 'k-1',
      fingerprint: 'f-second',
      orderId: '01JNR8W3D2C6VQ5B2T0Y8M4K1A',
      createdAt: '2026-03-01T10:00:00.000Z',
      expiresAt: 2,
    });

    // Assess
    expect(record).toMatchObject({ fingerprint: 'f-first', orderId: '01JNR8W3D2C6VQ5B2T0Y8M4K1B' });
    expect(dynamoMock).toHaveReceivedCommandWith(GetCommand, {
      Key: { pk: 'IDEMPOTENCY#cust-ada#k-1', sk: 'IDEMPOTENCY' },
      ConsistentRead: true,
    });
  });

  it('answers false when the cancel condition fails, and rethrows other errors', async () => {
    // Prepare
    const order = {
      ...sampleOrder(),
      status: 'CANCELLED' as const,
      cancelledAt: '2026-03-01T11:00:00.000Z',
    };
    dynamoMock.on(UpdateCommand).rejectsOnce(conditionFailed()).rejectsOnce(new Error('throttled'));

    // Act / Assess
    await expect(
      repository().markCancelled(order, orderPlacedEvent(order, customer)),
    ).resolves.toBe(false);
    await expect(
      repository().markCancelled(order, orderPlacedEvent(order, customer)),
    ).rejects.toThrow('throttled');
  });
});
