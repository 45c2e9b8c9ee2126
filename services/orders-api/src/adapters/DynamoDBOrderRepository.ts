import { randomUUID } from 'node:crypto';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type {
  CancelResult,
  OrderPage,
  OrderRepository,
  PagePosition,
  StoredOrder,
} from '../domain/ports.js';
import {
  BY_CREATED_AT_INDEX,
  CANCEL_WRITE_ID,
  customerPk,
  type Item,
  itemToOrder,
  itemToStoredOrder,
  orderKey,
  pageStartKey,
  storedOrderToItem,
} from './orderItems.js';

const isConditionFailure = (
  error: unknown,
): error is Error & { Item?: Record<string, AttributeValue> } =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * The item that failed a condition, as DynamoDB returns it with
 * `ReturnValuesOnConditionCheckFailure: ALL_OLD` (the document client leaves it marshalled);
 * undefined when there was none.
 */
const failedItem = (error: { Item?: Record<string, AttributeValue> }): Item | undefined =>
  error.Item === undefined ? undefined : unmarshall(error.Item);

/**
 * The SDK sent the request more than once: an earlier attempt may have been applied with its
 * answer lost (a per-attempt timeout, a reset connection), and the retry then fails the
 * condition on this call's own write.
 */
const wasRetried = (error: unknown) =>
  ((error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1) > 1;

/** The stored order is the one this write carried (same creation time, request and email). */
const isSameWrite = (existing: StoredOrder, written: StoredOrder) =>
  existing.order.createdAt === written.order.createdAt &&
  existing.requestFingerprint === written.requestFingerprint &&
  existing.customerEmail === written.customerEmail;

/** OrdersTable through the DynamoDB document client: single-item conditional writes only. */
export class DynamoDBOrderRepository implements OrderRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  /** @param client a DynamoDB client (wrapped in the document client here) */
  constructor(client: DynamoDBClient, tableName: string) {
    this.#client = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.#tableName = tableName;
  }

  async createOrder(
    stored: StoredOrder,
  ): Promise<{ created: true } | { created: false; existing: StoredOrder }> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: storedOrderToItem(stored),
          ConditionExpression: 'attribute_not_exists(pk)',
          // The order already stored comes back with the failure: no second read.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { created: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const item = failedItem(error);
      if (item === undefined) {
        throw new Error(`Order ${stored.order.orderId}: the conflict returned no stored order`, {
          cause: error,
        });
      }
      const existing = itemToStoredOrder(item);
      if (wasRetried(error) && isSameWrite(existing, stored)) return { created: true };
      return { created: false, existing };
    }
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
    options: { limit: number; after?: PagePosition },
  ): Promise<OrderPage> {
    // One extra item tells whether another page follows, so the last page has no cursor.
    const { Items = [], LastEvaluatedKey } = await this.#client.send(
      new QueryCommand({
        TableName: this.#tableName,
        IndexName: BY_CREATED_AT_INDEX,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': customerPk(customerId) },
        ScanIndexForward: false,
        Limit: options.limit + 1,
        ConsistentRead: true,
        ...(options.after === undefined
          ? {}
          : { ExclusiveStartKey: pageStartKey(customerId, options.after) }),
      }),
    );
    const orders = Items.slice(0, options.limit).map((item: Item) => itemToOrder(item));
    // Items.length <= limit with a LastEvaluatedKey: the 1 MB page limit cut the query short.
    const more = Items.length > options.limit || LastEvaluatedKey !== undefined;
    const last = orders.at(-1);
    return more && last !== undefined
      ? { orders, last: { orderId: last.orderId, createdAt: last.createdAt } }
      : { orders };
  }

  async cancelOrder(
    customerId: string,
    orderId: string,
    cancelledAt: string,
  ): Promise<CancelResult> {
    // Names this call's write, so a retry can tell it from another request's cancel made at
    // the same millisecond (two containers, a double click).
    const writeId = randomUUID();
    try {
      const { Attributes } = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: orderKey(customerId, orderId),
          UpdateExpression: 'SET #status = :cancelled, cancelledAt = :at, #writeId = :writeId',
          ConditionExpression: '#status = :placed',
          ExpressionAttributeNames: { '#status': 'status', '#writeId': CANCEL_WRITE_ID },
          ExpressionAttributeValues: {
            ':cancelled': 'CANCELLED',
            ':placed': 'PLACED',
            ':at': cancelledAt,
            ':writeId': writeId,
          },
          ReturnValues: 'ALL_NEW',
          // Why the condition failed comes back with it: no second read.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { result: 'cancelled', order: itemToOrder(Attributes ?? {}) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const item = failedItem(error);
      // No item: the condition failed because there is no such order.
      if (item === undefined) return { result: 'missing' };
      const order = itemToOrder(item);
      // Cancelled by an earlier attempt of this call whose answer was lost.
      const ownWrite =
        wasRetried(error) && order.status === 'CANCELLED' && item[CANCEL_WRITE_ID] === writeId;
      return ownWrite ? { result: 'cancelled', order } : { result: 'conflict', order };
    }
  }
}
