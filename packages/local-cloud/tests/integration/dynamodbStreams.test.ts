import path from 'node:path';
import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startLocalCloud } from '../../src/cloud/startLocalCloud.js';
import { memoryLog } from '../../src/dev/log.js';
import { uniqueName, useBackends } from '../../src/testing.js';

// The DynamoDB Streams event source mapping end to end: items written through a real
// DynamoDBClient, the fixture consumer's log read back. On the embedded backends the
// stream comes from the proxy in front of dynalite; with AWS_ENDPOINT_URL (moto_server) the
// same poller reads moto's own stream.
const { backends, clients } = useBackends();
const log = memoryLog();
const cloud = await startLocalCloud({
  templatePath: path.resolve(import.meta.dirname, '../fixtures/streams.yaml'),
  backends,
  stackName: uniqueName('streams'),
  port: 0,
  log,
  maxBatchingWindowSeconds: 1,
  streamPollIntervalMs: 100,
  streamRetryDelayMs: 50,
});
afterAll(async () => {
  await cloud.stop();
  clients.destroy();
});

const { tables, streams, queues } = cloud.describe();
const source = tables.SourceTable as string;

// biome-ignore lint/suspicious/noExplicitAny: records are asserted on, field by field
type Json = any;

const logged = async (pk: string): Promise<Json[]> => {
  const { Items = [] } = await clients.dynamodb.send(
    new QueryCommand({
      TableName: tables.LogTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: pk } },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => ({
    ...JSON.parse(item.record?.S ?? '{}'),
    batchSize: Number(item.batchSize?.N),
  }));
};

const put = (pk: string, sk: string, extra: Record<string, { S: string }> = {}) =>
  clients.dynamodb.send(
    new PutItemCommand({
      TableName: source,
      Item: { pk: { S: pk }, sk: { S: sk }, kind: { S: 'event' }, ...extra },
    }),
  );

const waitFor = <T>(check: () => Promise<T>) =>
  vi.waitFor(check, { timeout: 25_000, interval: 200 });

describe('DynamoDB Streams event source mapping', () => {
  it('delivers the inserts, updates and deletes of an item in order, with both images', async () => {
    // Prepare
    const pk = uniqueName('order');

    // Act
    await put(pk, 'a', { status: { S: 'PLACED' } });
    await clients.dynamodb.send(
      new UpdateItemCommand({
        TableName: source,
        Key: { pk: { S: pk }, sk: { S: 'a' } },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'CANCELLED' } },
      }),
    );
    await clients.dynamodb.send(
      new DeleteItemCommand({ TableName: source, Key: { pk: { S: pk }, sk: { S: 'a' } } }),
    );

    // Assess
    const records = await waitFor(async () => {
      const found = await logged(pk);
      expect(found).toHaveLength(3);
      return found;
    });
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    const [insert, modify, remove] = records;
    expect(insert).toMatchObject({
      eventSource: 'aws:dynamodb',
      awsRegion: cloud.model.region,
      eventSourceARN: streams.SourceTable,
      dynamodb: {
        Keys: { pk: { S: pk }, sk: { S: 'a' } },
        NewImage: { pk: { S: pk }, sk: { S: 'a' }, kind: { S: 'event' }, status: { S: 'PLACED' } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(insert.dynamodb.OldImage).toBeUndefined();
    expect(insert.dynamodb.ApproximateCreationDateTime).toBeTypeOf('number');
    expect(insert.dynamodb.SizeBytes).toBeGreaterThan(0);
    expect(modify.dynamodb.OldImage.status).toEqual({ S: 'PLACED' });
    expect(modify.dynamodb.NewImage.status).toEqual({ S: 'CANCELLED' });
    expect(remove.dynamodb.NewImage).toBeUndefined();
    expect(remove.dynamodb.OldImage.status).toEqual({ S: 'CANCELLED' });
    const sequence = records.map((r) => BigInt(r.dynamodb.SequenceNumber));
    expect(sequence).toEqual([...sequence].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('drops records no filter matches, including batch writes', async () => {
    // Prepare
    const noise = uniqueName('noise');
    const signal = uniqueName('signal');

    // Act
    await clients.dynamodb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [source]: [
            { PutRequest: { Item: { pk: { S: noise }, sk: { S: '1' }, kind: { S: 'noise' } } } },
            { PutRequest: { Item: { pk: { S: signal }, sk: { S: '1' }, kind: { S: 'event' } } } },
          ],
        },
      }),
    );
    // Written after the noise on the same shard: once it arrives, the noise would have too.
    await put(signal, '2');

    // Assess
    await waitFor(async () => expect(await logged(signal)).toHaveLength(2));
    expect(await logged(noise)).toEqual([]);
  });

  it('resumes from the reported item after a partial batch failure', async () => {
    // Prepare
    const pk = uniqueName('partial');

    // Act
    await put(pk, '1');
    await put(pk, '2', { mode: { S: 'fail-once' } });
    await put(pk, '3');

    // Assess: each record logged once, in order; the one before the failure is not redelivered.
    const records = await waitFor(async () => {
      const found = await logged(pk);
      expect(found).toHaveLength(3);
      return found;
    });
    expect(records.map((r) => r.dynamodb.Keys.sk.S)).toEqual(['1', '2', '3']);
  });

  it('isolates a poison record by bisecting and sends it to the on-failure queue after the retries', async () => {
    // Prepare
    const pk = uniqueName('poison');

    // Act
    for (const sk of ['1', '2', '3', '4', '5'])
      await put(pk, sk, sk === '3' ? { mode: { S: 'poison' } } : {});

    // Assess
    const message = await waitFor(async () => {
      const { Messages = [] } = await clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queues.StreamFailureQueue?.url,
          WaitTimeSeconds: 1,
          MaxNumberOfMessages: 10,
        }),
      );
      const found = Messages.map((m) => JSON.parse(m.Body ?? '{}') as Json);
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(message).toMatchObject({
      requestContext: {
        functionArn: cloud.model.functions.get('ConsumerFunction')?.arn,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 11,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      DDBStreamBatchInfo: { batchSize: 1, streamArn: streams.SourceTable },
    });
    expect(message.DDBStreamBatchInfo.startSequenceNumber).toBe(
      message.DDBStreamBatchInfo.endSequenceNumber,
    );
    const delivered = await waitFor(async () => {
      const found = new Set((await logged(pk)).map((r) => r.dynamodb.Keys.sk.S as string));
      expect(found).toEqual(new Set(['1', '2', '4', '5']));
      return found;
    });
    expect(delivered.has('3')).toBe(false);
    expect(log.lines.some((line) => line.includes('discarded (RetryAttemptsExhausted)'))).toBe(
      true,
    );
  });
});
