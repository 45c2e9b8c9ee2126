import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { afterAll, describe, expect, it } from 'vitest';
import { startBackends } from '../../src/backends/startBackends.js';
import { backendClients } from '../../src/clients.js';
import { uniqueName } from '../../src/testing.js';

// The proxy in front of dynalite, through the real SDK clients. (Own embedded backends: the
// shared ones may be moto, which has streams of its own.)
const backends = await startBackends();
const clients = backendClients(backends);
afterAll(async () => {
  clients.destroy();
  await backends.stop();
});

const createTable = (name: string, stream: boolean) =>
  clients.dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      ...(stream
        ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }
        : {}),
    }),
  );

const readAll = async (streamArn: string) => {
  const { StreamDescription } = await clients.dynamodbStreams.send(
    new DescribeStreamCommand({ StreamArn: streamArn }),
  );
  const { ShardIterator } = await clients.dynamodbStreams.send(
    new GetShardIteratorCommand({
      StreamArn: streamArn,
      ShardId: StreamDescription?.Shards?.[0]?.ShardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  const { Records = [] } = await clients.dynamodbStreams.send(
    new GetRecordsCommand({ ShardIterator }),
  );
  return Records;
};

describe('DynamoDB Streams proxy', () => {
  it('adds the stream to CreateTable and DescribeTable answers of streamed tables only', async () => {
    // Act
    const created = await createTable(uniqueName('streamed'), true);
    const plain = await createTable(uniqueName('plain'), false);
    const described = await clients.dynamodb.send(
      new DescribeTableCommand({ TableName: created.TableDescription?.TableName }),
    );

    // Assess
    expect(created.TableDescription?.LatestStreamArn).toMatch(
      new RegExp(`^${created.TableDescription?.TableArn}/stream/\\d{4}-`),
    );
    expect(described.Table?.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    expect(described.Table?.LatestStreamArn).toBe(created.TableDescription?.LatestStreamArn);
    expect(plain.TableDescription?.LatestStreamArn).toBeUndefined();
  });

  it('records successful changes only, and passes failures through as dynalite answers them', async () => {
    // Prepare
    const created = await createTable(uniqueName('writes'), true);
    const TableName = created.TableDescription?.TableName as string;
    const item = { pk: { S: 'a' }, n: { N: '1' } };

    // Act
    await clients.dynamodb.send(new PutItemCommand({ TableName, Item: item }));
    await clients.dynamodb.send(new PutItemCommand({ TableName, Item: item }));
    const conditional = await clients.dynamodb
      .send(
        new PutItemCommand({
          TableName,
          Item: { pk: { S: 'a' }, n: { N: '9' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      .catch((error: Error) => error.name);
    const transaction = await clients.dynamodb
      .send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName, Item: item } }] }))
      .catch((error: Error) => error.name);
    const updated = await clients.dynamodb.send(
      new UpdateItemCommand({
        TableName,
        Key: { pk: { S: 'a' } },
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
        ReturnValues: 'ALL_NEW',
      }),
    );

    // Assess
    expect(conditional).toBe('ConditionalCheckFailedException');
    expect(transaction).toBe('UnknownOperationException');
    expect(updated.Attributes).toEqual({ pk: { S: 'a' }, n: { N: '2' } });
    const records = await readAll(created.TableDescription?.LatestStreamArn as string);
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY']);
    expect(records[1]?.dynamodb?.OldImage).toEqual(item);
    expect(records[1]?.dynamodb?.NewImage).toEqual({ pk: { S: 'a' }, n: { N: '2' } });
  });

  it("returns a failed put's item by the table's current key schema, after the table is made again", async () => {
    // Prepare: the put's key comes from the table's key schema (dynalite ignores the parameter).
    const TableName = (await createTable(uniqueName('old-item'), false)).TableDescription
      ?.TableName as string;
    const failedPut = (Item: Record<string, { S: string }>) =>
      clients.dynamodb
        .send(
          new PutItemCommand({
            TableName,
            Item,
            ConditionExpression: 'attribute_not_exists(v)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        )
        .then(() => undefined)
        .catch((error: unknown) => error as ConditionalCheckFailedException);
    await clients.dynamodb.send(
      new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, v: { S: 'first' } } }),
    );
    const before = await failedPut({ pk: { S: 'a' }, v: { S: 'x' } });
    await clients.dynamodb.send(new DeleteTableCommand({ TableName }));
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    await clients.dynamodb.send(
      new PutItemCommand({ TableName, Item: { id: { S: 'b' }, v: { S: 'second' } } }),
    );

    // Act
    const after = await failedPut({ id: { S: 'b' }, pk: { S: 'a' }, v: { S: 'y' } });

    // Assess
    expect(before?.Item).toEqual({ pk: { S: 'a' }, v: { S: 'first' } });
    expect(after).toBeInstanceOf(ConditionalCheckFailedException);
    expect(after?.Item).toEqual({ id: { S: 'b' }, v: { S: 'second' } });
  });

  it('serialises concurrent writes to one item, so each record sees the previous image', async () => {
    // Prepare
    const created = await createTable(uniqueName('concurrent'), true);
    const TableName = created.TableDescription?.TableName as string;

    // Act
    await Promise.all(
      Array.from({ length: 20 }, () =>
        clients.dynamodb.send(
          new UpdateItemCommand({
            TableName,
            Key: { pk: { S: 'counter' } },
            UpdateExpression: 'ADD n :one',
            ExpressionAttributeValues: { ':one': { N: '1' } },
          }),
        ),
      ),
    );

    // Assess
    const records = await readAll(created.TableDescription?.LatestStreamArn as string);
    expect(records).toHaveLength(20);
    records.forEach((record, i) => {
      expect(record.dynamodb?.NewImage?.n).toEqual({ N: String(i + 1) });
      expect(record.dynamodb?.OldImage?.n).toEqual(i === 0 ? undefined : { N: String(i) });
    });
  });
});
