import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  PutItemCommand,
  paginateQuery,
  paginateScan,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable } from '../../../src/resources.js';
import { uniqueName, useBackends } from '../../../src/testing.js';
import { collect, embeddedGap } from './support.js';

// DynamoDB as a user drives it, on the embedded dynalite and on moto alike.
const { backends, clients } = useBackends();
const { dynamodb } = clients;
const table = uniqueName('conformance');
afterAll(() => clients.destroy());

beforeAll(async () => {
  await ensureTable(clients, {
    TableName: table,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'status', AttributeType: 'S' },
      { AttributeName: 'total', AttributeType: 'N' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'byStatus',
        KeySchema: [
          { AttributeName: 'status', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    LocalSecondaryIndexes: [
      {
        IndexName: 'byTotal',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'total', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  });
});

const put = (pk: string, sk: string, status: string, total: number) =>
  dynamodb.send(
    new PutItemCommand({
      TableName: table,
      Item: { pk: { S: pk }, sk: { S: sk }, status: { S: status }, total: { N: String(total) } },
    }),
  );

describe('DynamoDB conformance: conditional writes', () => {
  it('refuses a second put under attribute_not_exists', async () => {
    // Prepare
    const pk = uniqueName('cond');
    const create = () =>
      dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: pk }, sk: { S: 'order' }, status: { S: 'PLACED' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );

    // Act
    await create();

    // Assess
    await expect(create()).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('updates only from the expected state, returning the new image', async () => {
    // Prepare
    const pk = uniqueName('cond');
    await put(pk, 'order', 'PLACED', 10);
    const cancel = () =>
      dynamodb.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { pk: { S: pk }, sk: { S: 'order' } },
          UpdateExpression: 'SET #status = :cancelled ADD #version :one',
          ConditionExpression: '#status = :placed',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: {
            ':cancelled': { S: 'CANCELLED' },
            ':placed': { S: 'PLACED' },
            ':one': { N: '1' },
          },
          ReturnValues: 'ALL_NEW',
        }),
      );

    // Act
    const first = await cancel();
    const second = cancel();

    // Assess
    expect(first.Attributes).toMatchObject({ status: { S: 'CANCELLED' }, version: { N: '1' } });
    await expect(second).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  const failedWith = (command: PutItemCommand | UpdateItemCommand | DeleteItemCommand) =>
    dynamodb
      .send(command as PutItemCommand)
      .then(() => undefined)
      .catch((error: unknown) => error as ConditionalCheckFailedException);

  it('returns the item that failed an update, a put or a delete condition with ReturnValuesOnConditionCheckFailure', async () => {
    // Prepare
    const pk = uniqueName('cond');
    await put(pk, 'order', 'SHIPPED', 10);
    const Key = { pk: { S: pk }, sk: { S: 'order' } };
    const placed = {
      ConditionExpression: '#status = :p',
      ExpressionAttributeNames: { '#status': 'status' },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };

    // Act
    const update = await failedWith(
      new UpdateItemCommand({
        TableName: table,
        Key,
        UpdateExpression: 'SET #status = :c',
        ExpressionAttributeValues: { ':c': { S: 'CANCELLED' }, ':p': { S: 'PLACED' } },
        ...placed,
      }),
    );
    const create = await failedWith(
      new PutItemCommand({
        TableName: table,
        Item: { ...Key, status: { S: 'PLACED' } },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    const remove = await failedWith(
      new DeleteItemCommand({
        TableName: table,
        Key,
        ExpressionAttributeValues: { ':p': { S: 'PLACED' } },
        ...placed,
      }),
    );

    // Assess
    const stored = { ...Key, status: { S: 'SHIPPED' }, total: { N: '10' } };
    for (const failed of [update, create, remove]) {
      expect(failed).toBeInstanceOf(ConditionalCheckFailedException);
      expect(failed?.Item).toEqual(stored);
    }
  });

  it('returns no item for a failed condition on a missing item, or without ALL_OLD', async () => {
    // Prepare
    const pk = uniqueName('cond');
    await put(pk, 'order', 'SHIPPED', 10);
    const update = (sk: string, returnValues: 'ALL_OLD' | 'NONE' | undefined) =>
      failedWith(
        new UpdateItemCommand({
          TableName: table,
          Key: { pk: { S: pk }, sk: { S: sk } },
          UpdateExpression: 'SET #status = :c',
          ConditionExpression: 'attribute_exists(pk) AND #status = :p',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':c': { S: 'CANCELLED' }, ':p': { S: 'PLACED' } },
          ...(returnValues === undefined
            ? {}
            : { ReturnValuesOnConditionCheckFailure: returnValues }),
        }),
      );

    // Act
    const missing = await update('nothing-here', 'ALL_OLD');
    const none = await update('order', 'NONE');
    const unset = await update('order', undefined);

    // Assess
    for (const failed of [missing, none, unset]) {
      expect(failed).toBeInstanceOf(ConditionalCheckFailedException);
      expect(failed?.Item).toBeUndefined();
    }
  });
});

describe('DynamoDB conformance: queries and pagination', () => {
  it('pages through a GSI query, two items a page, in sort-key order', async () => {
    // Prepare
    const status = uniqueName('STATUS');
    const sks = ['2026-01-05', '2026-01-01', '2026-01-03', '2026-01-02', '2026-01-04'];
    for (const [index, sk] of sks.entries()) await put(uniqueName(`g${index}`), sk, status, index);

    // Act
    const pages = await collect(
      paginateQuery(
        { client: dynamodb, pageSize: 2 },
        {
          TableName: table,
          IndexName: 'byStatus',
          KeyConditionExpression: '#status = :s AND sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':s': { S: status },
            ':from': { S: '2026-01-01' },
            ':to': { S: '2026-01-31' },
          },
        },
      ),
    );

    // Assess
    expect(pages.flatMap((page) => page.Items ?? []).map((item) => item.sk?.S)).toEqual(
      [...sks].sort(),
    );
    expect(pages.every((page) => (page.Items ?? []).length <= 2)).toBe(true);
    expect(pages.length).toBeGreaterThanOrEqual(3);
  });

  it('queries an LSI backwards by a number range', async () => {
    // Prepare
    const pk = uniqueName('lsi');
    for (const total of [5, 100, 20, 7, 50]) await put(pk, `item-${total}`, 'X', total);

    // Act
    const pages = await collect(
      paginateQuery(
        { client: dynamodb, pageSize: 2 },
        {
          TableName: table,
          IndexName: 'byTotal',
          KeyConditionExpression: 'pk = :pk AND #total >= :min',
          ExpressionAttributeNames: { '#total': 'total' },
          ExpressionAttributeValues: { ':pk': { S: pk }, ':min': { N: '7' } },
          ScanIndexForward: false,
        },
      ),
    );

    // Assess
    expect(pages.flatMap((page) => page.Items ?? []).map((item) => Number(item.total?.N))).toEqual([
      100, 50, 20, 7,
    ]);
  });

  it('scans with a filter across pages without losing items', async () => {
    // Prepare
    const status = uniqueName('SCAN');
    for (let index = 0; index < 7; index += 1)
      await put(uniqueName('s'), `s-${index}`, status, index);

    // Act
    const pages = await collect(
      paginateScan(
        { client: dynamodb, pageSize: 3 },
        {
          TableName: table,
          FilterExpression: '#status = :s AND #total > :n',
          ExpressionAttributeNames: { '#status': 'status', '#total': 'total' },
          ExpressionAttributeValues: { ':s': { S: status }, ':n': { N: '1' } },
        },
      ),
    );

    // Assess
    expect(
      pages
        .flatMap((page) => page.Items ?? [])
        .map((item) => item.sk?.S)
        .sort(),
    ).toEqual(['s-2', 's-3', 's-4', 's-5', 's-6']);
  });
});

describe('DynamoDB conformance: operations dynalite lacks', () => {
  // Gap: dynalite has no TransactWriteItems (UnknownOperationException); moto and AWS do.
  (embeddedGap(backends) ? it.fails : it)(
    'writes two items atomically with TransactWriteItems',
    async () => {
      const pk = uniqueName('tx');

      await dynamodb.send(
        new TransactWriteItemsCommand({
          TransactItems: ['a', 'b'].map((sk) => ({
            Put: { TableName: table, Item: { pk: { S: pk }, sk: { S: sk } } },
          })),
        }),
      );

      const pages = await collect(
        paginateQuery(
          { client: dynamodb },
          {
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: pk } },
          },
        ),
      );
      expect(pages.flatMap((page) => page.Items ?? [])).toHaveLength(2);
    },
  );

  // Gap: dynalite has no UpdateTimeToLive (UnknownOperationException), so items never expire.
  (embeddedGap(backends) ? it.fails : it)('enables TTL with UpdateTimeToLive', async () => {
    const answer = await dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: table,
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      }),
    );

    expect(answer.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });
});
