import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Order } from '../domain/Order.js';
import type { OrderPage, OrderRepository, PagePosition, StoredOrder } from '../domain/ports.js';
import {
  BY_CREATED_AT_INDEX,
  customerPk,
  type Item,
  itemToOrder,
  itemToStoredOrder,
  orderKey,
  pageStartKey,
  storedOrderToItem,
} from './orderItems.js';

const isConditionFailure = (error: unknown) =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

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
    const { customerId, orderId } = stored.order;
    let retried = false;
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: storedOrderToItem(stored),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { created: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      retried = wasRetried(error);
    }
    // Orders are never deleted, so the item that failed the condition is still there.
    const existing = await this.getOrder(customerId, orderId);
    if (existing === undefined) throw new Error(`Order ${orderId} vanished after a conflict`);
    if (retried && isSameWrite(existing, stored)) return { created: true };
    return { created: false, existing };
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
  ): Promise<Order | undefined> {
    try {
      const { Attributes } = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: orderKey(customerId, orderId),
          UpdateExpression: 'SET #status = :cancelled, cancelledAt = :at',
          ConditionExpression: '#status = :placed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':cancelled': 'CANCELLED',
            ':placed': 'PLACED',
            ':at': cancelledAt,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return itemToOrder(Attributes ?? {});
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      if (!wasRetried(error)) return undefined;
    }
    // Cancelled at this call's own time: the first attempt was applied.
    const current = await this.getOrder(customerId, orderId);
    return current?.order.status === 'CANCELLED' && current.order.cancelledAt === cancelledAt
      ? current.order
      : undefined;
  }
}
