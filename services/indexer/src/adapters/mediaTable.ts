import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

// MediaTable's key layout, shared by the adapter and the tests that create the table. The
// template's MediaTable resource declares the same (keep them together when changing either).

/** Attribute and index names of MediaTable. */
export const MEDIA_TABLE = {
  /** Partition key: the object key in UploadsBucket. */
  partitionKey: 'key',
  /** Lists a product's live media, newest first (sparse: tombstones are not in it). */
  byProductIndex: 'byProduct',
  productIdAttribute: 'productId',
  productSortAttribute: 'productSort',
} as const;

/**
 * The CreateTable input equivalent to the template's MediaTable (on-demand).
 *
 * @example
 * await ensureTable(clients, mediaTableDefinition(uniqueName('media')));
 */
export const mediaTableDefinition = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: MEDIA_TABLE.partitionKey, AttributeType: 'S' },
    { AttributeName: MEDIA_TABLE.productIdAttribute, AttributeType: 'S' },
    { AttributeName: MEDIA_TABLE.productSortAttribute, AttributeType: 'S' },
  ],
  KeySchema: [{ AttributeName: MEDIA_TABLE.partitionKey, KeyType: 'HASH' }],
  GlobalSecondaryIndexes: [
    {
      IndexName: MEDIA_TABLE.byProductIndex,
      KeySchema: [
        { AttributeName: MEDIA_TABLE.productIdAttribute, KeyType: 'HASH' },
        { AttributeName: MEDIA_TABLE.productSortAttribute, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
});
