import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RetrySafeDynamoDBPersistenceLayer } from '@shop/common/idempotency';
import { DynamoDBOrderRepository } from './DynamoDBOrderRepository.js';

/**
 * The API's two tables on one DynamoDB client: OrdersTable as the OrderRepository port and
 * OrdersIdempotencyTable as Powertools Idempotency's store (recognising its own write when an
 * answer was lost: `@shop/common/idempotency`).
 *
 * @example
 * const { repository, persistenceStore } = ordersTables(dynamodb, config);
 */
export const ordersTables = (
  client: DynamoDBClient,
  tables: { ordersTableName: string; idempotencyTableName: string },
) => ({
  repository: new DynamoDBOrderRepository(client, tables.ordersTableName),
  persistenceStore: new RetrySafeDynamoDBPersistenceLayer({
    tableName: tables.idempotencyTableName,
    awsSdkV3Client: client,
  }),
});
