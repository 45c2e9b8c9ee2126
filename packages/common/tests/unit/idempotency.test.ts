import { IdempotencyItemAlreadyExistsError } from '@aws-lambda-powertools/idempotency';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { RetrySafeDynamoDBPersistenceLayer } from '../../src/idempotency.js';

const dynamo = mockClient(DynamoDBClient);
// Unit test files share one module graph per worker: put the client's send back after this file.
afterAll(() => dynamo.restore());
beforeEach(() => dynamo.reset());

const store = () => {
  const layer = new RetrySafeDynamoDBPersistenceLayer({
    tableName: 'idempotency',
    awsSdkV3Client: new DynamoDBClient({ region: 'us-east-1' }),
  });
  return layer;
};
/** As DynamoDB fails the condition, returning the stored item (ALL_OLD). */
const failedWith = (item: PutItemCommandInput['Item']) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: { attempts: 2 },
    Item: item,
  });

describe('RetrySafeDynamoDBPersistenceLayer', () => {
  it('takes a failed condition on the record it wrote itself (a retry after a lost answer) as written', async () => {
    // Prepare: the stored item is exactly the one this call sent.
    dynamo.on(PutItemCommand).callsFake((input: PutItemCommandInput) => {
      throw failedWith(input.Item);
    });

    // Act / Assess
    await expect(store().saveInProgress({ order: 1 }, 5_000)).resolves.toBeUndefined();
  });

  it('reports a record another request wrote as already existing', async () => {
    // Prepare: same key, another request's in-progress expiry.
    dynamo.on(PutItemCommand).callsFake((input: PutItemCommandInput) => {
      const other = { ...input.Item, in_progress_expiration: { N: '1' } };
      throw failedWith(other);
    });

    // Act / Assess
    await expect(store().saveInProgress({ order: 1 }, 5_000)).rejects.toBeInstanceOf(
      IdempotencyItemAlreadyExistsError,
    );
  });
});
