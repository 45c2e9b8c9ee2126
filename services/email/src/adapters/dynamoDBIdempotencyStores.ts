import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RetrySafeDynamoDBPersistenceLayer } from '@shop/common/idempotency';

/**
 * Powertools idempotency stores on one DynamoDB table (EmailIdempotencyTable: key `id`, TTL
 * `expiration`), a new one per call, as Powertools wants one store per idempotent function;
 * they share the client.
 *
 * @example
 * createEmailHandler({ createPersistenceStore: dynamoDBIdempotencyStores(tableName, dynamodb), ... });
 */
export const dynamoDBIdempotencyStores =
  (tableName: string, client: DynamoDBClient) => (): BasePersistenceLayer =>
    new RetrySafeDynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
