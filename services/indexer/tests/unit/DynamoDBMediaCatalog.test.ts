import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DynamoDBMediaCatalog } from '../../src/adapters/DynamoDBMediaCatalog.js';

// What the contract (tests/support/mediaCatalogContract.ts) cannot make the local table do:
// a Query that DynamoDB cuts short (its 1 MB page size) before the page is full.

const dynamoMock = mockClient(DynamoDBDocumentClient);
const catalog = new DynamoDBMediaCatalog(
  DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
  'media-table',
);
const position = (name: string) => ({
  key: `uploads/prod-1/${name}`,
  productId: 'prod-1',
  productSort: `2026-03-14T09:00:00.000Z#uploads/prod-1/${name}`,
});

afterEach(() => {
  dynamoMock.reset();
});

afterAll(() => {
  // Unit test files share one module graph per worker: put the client's send back.
  dynamoMock.restore();
});

describe('DynamoDBMediaCatalog.listByProduct', () => {
  it('reads on after a short read until the page and one more item are in', async () => {
    // Prepare
    dynamoMock
      .on(QueryCommand)
      .resolvesOnce({ Items: [position('c.jpg')], LastEvaluatedKey: position('c.jpg') })
      .resolvesOnce({ Items: [position('b.jpg'), position('a.jpg')] });

    // Act
    const page = await catalog.listByProduct('prod-1', { limit: 2 });

    // Assess
    expect(page).toEqual({
      items: [position('c.jpg'), position('b.jpg')],
      cursor: position('b.jpg'),
    });
    expect(dynamoMock.commandCalls(QueryCommand).map(({ args }) => args[0].input)).toEqual([
      expect.objectContaining({ Limit: 3 }),
      expect.objectContaining({ Limit: 2, ExclusiveStartKey: position('c.jpg') }),
    ]);
  });

  it('answers no cursor when a short read ends the index with the page full', async () => {
    // Prepare
    dynamoMock
      .on(QueryCommand)
      .resolvesOnce({ Items: [position('b.jpg')], LastEvaluatedKey: position('b.jpg') })
      .resolvesOnce({ Items: [position('a.jpg')] });

    // Act
    const page = await catalog.listByProduct('prod-1', { limit: 2 });

    // Assess
    expect(page).toEqual({ items: [position('b.jpg'), position('a.jpg')] });
  });
});
