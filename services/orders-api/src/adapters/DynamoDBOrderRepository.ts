import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { OrderEvent } from '@shop/contracts/orderEvents';
import type { Order } from '../domain/Order.js';
import type {
  IdempotencyRecord,
  OrderPage,
  OrderRepository,
  PendingEventRef,
  StoredOrder,
} from '../domain/ports.js';
import {
  customerPk,
  type Item,
  idempotencyKey,
  idempotencyToItem,
  itemToIdempotency,
  itemToStoredOrder,
  ORDER_SK_PREFIX,
  OUTBOX_KEY,
  orderKey,
  orderRefFromKey,
  orderToItem,
  PENDING_EVENTS_INDEX,
} from './orderItems.js';

const isConditionFailure = (error: unknown) =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** Resolves true if the write happened, false if its condition failed. */
const conditionally = async (write: Promise<unknown>): Promise<boolean> => {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** OrdersTable through the DynamoDB document client (single-item conditional writes only). */
export class DynamoDBOrderRepository implements OrderRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async claimIdempotencyKey(record: IdempotencyRecord): Promise<IdempotencyRecord> {
    const Key = idempotencyKey(record.customerId, record.key);
    // A record can expire (TTL) between a failed put and the read: then try again.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const put = this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: idempotencyToItem(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      if (await conditionally(put)) return record;
      const { Item: stored } = await this.#client.send(
        new GetCommand({ TableName: this.#tableName, Key, ConsistentRead: true }),
      );
      if (stored !== undefined) return itemToIdempotency(record.customerId, record.key, stored);
    }
    throw new Error('Idempotency record vanished repeatedly');
  }

  async createOrder(order: Order, pendingEvent: OrderEvent): Promise<{ created: boolean }> {
    const created = await conditionally(
      this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: orderToItem(order, pendingEvent),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    return { created };
  }

  async getOrder(customerId: string, orderId: string): Promise<StoredOrder | undefined> {
    const { Item: item } = await this.#client.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: orderKey(customerId, orderId),
        ConsistentRead: true,
      }),
    );
    return item === undefined ? undefined : itemToStoredOrder(item);
  }

  async listOrders(
    customerId: string,
    options: { limit: number; after?: string },
  ): Promise<OrderPage> {
    // One extra item tells whether another page follows, so the last page has no cursor.
    const { Items = [], LastEvaluatedKey } = await this.#client.send(
      new QueryCommand({
        TableName: this.#tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': customerPk(customerId), ':prefix': ORDER_SK_PREFIX },
        ScanIndexForward: false,
        Limit: options.limit + 1,
        ConsistentRead: true,
        ...(options.after === undefined
          ? {}
          : { ExclusiveStartKey: orderKey(customerId, options.after) }),
      }),
    );
    const orders = Items.slice(0, options.limit).map((item: Item) => itemToStoredOrder(item).order);
    // Items.length <= limit with a LastEvaluatedKey: the 1 MB page limit cut the query short.
    const more = Items.length > options.limit || LastEvaluatedKey !== undefined;
    const last = orders.at(-1);
    return more && last !== undefined ? { orders, lastOrderId: last.orderId } : { orders };
  }

  async listStalePendingEvents(
    pendingBefore: string,
    limit: number,
  ): Promise<{ customerId: string; orderId: string }[]> {
    const { Items = [] } = await this.#client.send(
      new QueryCommand({
        TableName: this.#tableName,
        IndexName: PENDING_EVENTS_INDEX,
        KeyConditionExpression: 'outboxKey = :outbox AND outboxSince < :before',
        ExpressionAttributeValues: { ':outbox': OUTBOX_KEY, ':before': pendingBefore },
        Limit: limit,
      }),
    );
    return Items.map(orderRefFromKey);
  }

  async markCancelled(order: Order, pendingEvent: OrderEvent): Promise<boolean> {
    return conditionally(
      this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: orderKey(order.customerId, order.orderId),
          UpdateExpression:
            'SET #status = :cancelled, cancelledAt = :at, pendingEvent = :event, pendingEventId = :eventId, outboxKey = :outbox, outboxSince = :at REMOVE leaseId, leaseUntil',
          ConditionExpression: '#status = :placed AND attribute_not_exists(pendingEvent)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':cancelled': order.status,
            ':placed': 'PLACED',
            ':at': order.cancelledAt,
            ':event': JSON.stringify(pendingEvent),
            ':eventId': pendingEvent.eventId,
            ':outbox': OUTBOX_KEY,
          },
        }),
      ),
    );
  }

  async claimPendingEvent(
    ref: PendingEventRef,
    lease: { leaseId: string; now: number; until: number },
  ): Promise<boolean> {
    return conditionally(
      this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: orderKey(ref.customerId, ref.orderId),
          UpdateExpression: 'SET leaseId = :leaseId, leaseUntil = :until',
          ConditionExpression:
            'pendingEventId = :eventId AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeValues: {
            ':leaseId': lease.leaseId,
            ':until': lease.until,
            ':now': lease.now,
            ':eventId': ref.eventId,
          },
        }),
      ),
    );
  }

  async releasePendingEvent(ref: PendingEventRef, leaseId: string): Promise<void> {
    await this.#updateIf(ref, 'REMOVE leaseId, leaseUntil', 'leaseId = :leaseId', {
      ':leaseId': leaseId,
    });
  }

  async completePendingEvent(ref: PendingEventRef): Promise<void> {
    await this.#updateIf(
      ref,
      'REMOVE pendingEvent, pendingEventId, leaseId, leaseUntil, outboxKey, outboxSince',
      'pendingEventId = :eventId',
      { ':eventId': ref.eventId },
    );
  }

  async discardUnpublishedOrder(ref: PendingEventRef): Promise<void> {
    await conditionally(
      this.#client.send(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: orderKey(ref.customerId, ref.orderId),
          ConditionExpression: 'pendingEventId = :eventId',
          ExpressionAttributeValues: { ':eventId': ref.eventId },
        }),
      ),
    );
  }

  // A failed condition here means another request already did the same thing.
  async #updateIf(
    ref: PendingEventRef,
    UpdateExpression: string,
    ConditionExpression: string,
    ExpressionAttributeValues: Record<string, unknown>,
  ): Promise<void> {
    await conditionally(
      this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: orderKey(ref.customerId, ref.orderId),
          UpdateExpression,
          ConditionExpression,
          ExpressionAttributeValues,
        }),
      ),
    );
  }
}
