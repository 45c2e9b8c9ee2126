import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { useBackends } from '@shop/local-cloud/testing';
import { describe, expect, it } from 'vitest';
import { createTableFromTemplate } from '../../src/tables.js';

describe('createTableFromTemplate', () => {
  const { clients } = useBackends();

  it('creates OrdersTable as the template defines it, with its stream', async () => {
    // Act
    const { tableName, streamArn } = await createTableFromTemplate(clients, 'OrdersTable');

    // Assess
    const { Table } = await clients.dynamodb.send(
      new DescribeTableCommand({ TableName: tableName }),
    );
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.LocalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['ByCreatedAt']);
    expect(streamArn).toBe(Table?.LatestStreamArn);
    expect(Table?.StreamSpecification?.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
  });

  it('creates MediaTable with its global index and no stream', async () => {
    // Act
    const { tableName, streamArn } = await createTableFromTemplate(clients, 'MediaTable');

    // Assess
    const { Table } = await clients.dynamodb.send(
      new DescribeTableCommand({ TableName: tableName }),
    );
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['byProduct']);
    expect(streamArn).toBeUndefined();
  });
});
