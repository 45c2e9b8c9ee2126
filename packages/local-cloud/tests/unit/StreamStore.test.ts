import { describe, expect, it } from 'vitest';
import { StreamStore } from '../../src/backends/dynamoStreams/StreamStore.js';
import { sameItem, streamRecord } from '../../src/backends/dynamoStreams/streamRecords.js';

// biome-ignore lint/suspicious/noExplicitAny: answers of the wire API, asserted field by field
type Json = any;

const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/Orders';
const keySchema = [
  { AttributeName: 'pk', KeyType: 'HASH' },
  { AttributeName: 'sk', KeyType: 'RANGE' },
];
const item = (status: string) => ({
  pk: { S: 'o-1' },
  sk: { S: 'ORDER' },
  status: { S: status },
});

const record = (
  viewType: Parameters<typeof streamRecord>[0]['viewType'],
  before?: Json,
  after?: Json,
) =>
  streamRecord({
    before,
    after,
    keyNames: ['pk', 'sk'],
    viewType,
    sequenceNumber: '100000000000000000100',
    eventId: 'e-1',
    region: 'eu-west-1',
    now: 1_700_000_000_987,
  });

describe('streamRecord', () => {
  it('builds an INSERT with the keys, the new image and the creation time in whole seconds', () => {
    // Act
    const insert = record('NEW_AND_OLD_IMAGES', undefined, item('PLACED'));

    // Assess
    expect(insert).toEqual({
      eventID: 'e-1',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-1',
      dynamodb: {
        ApproximateCreationDateTime: 1_700_000_000,
        Keys: { pk: { S: 'o-1' }, sk: { S: 'ORDER' } },
        NewImage: item('PLACED'),
        SequenceNumber: '100000000000000000100',
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
  });

  it('gives MODIFY and REMOVE the images their view type asks for', () => {
    // Act
    const both = record('NEW_AND_OLD_IMAGES', item('PLACED'), item('CANCELLED'));
    const newOnly = record('NEW_IMAGE', item('PLACED'), item('CANCELLED'));
    const oldOnly = record('OLD_IMAGE', item('PLACED'), item('CANCELLED'));
    const keysOnly = record('KEYS_ONLY', item('PLACED'), item('CANCELLED'));
    const remove = record('NEW_AND_OLD_IMAGES', item('CANCELLED'), undefined);

    // Assess
    expect(both?.eventName).toBe('MODIFY');
    expect(both?.dynamodb.OldImage).toEqual(item('PLACED'));
    expect(both?.dynamodb.NewImage).toEqual(item('CANCELLED'));
    expect(newOnly?.dynamodb).not.toHaveProperty('OldImage');
    expect(newOnly?.dynamodb.NewImage).toEqual(item('CANCELLED'));
    expect(oldOnly?.dynamodb).not.toHaveProperty('NewImage');
    expect(keysOnly?.dynamodb).not.toHaveProperty('NewImage');
    expect(keysOnly?.dynamodb).not.toHaveProperty('OldImage');
    expect(keysOnly?.dynamodb.Keys).toEqual({ pk: { S: 'o-1' }, sk: { S: 'ORDER' } });
    expect(remove?.eventName).toBe('REMOVE');
    expect(remove?.dynamodb).not.toHaveProperty('NewImage');
  });

  it('writes no record when a write changes nothing', () => {
    // Prepare: the same item, attributes and set members in another order
    const before = { pk: { S: 'o-1' }, sk: { S: 'ORDER' }, tags: { SS: ['a', 'b'] } };
    const after = { tags: { SS: ['b', 'a'] }, sk: { S: 'ORDER' }, pk: { S: 'o-1' } };

    // Act / Assess
    expect(sameItem(before, after)).toBe(true);
    expect(record('NEW_AND_OLD_IMAGES', before, after)).toBeUndefined();
    expect(record('NEW_AND_OLD_IMAGES', undefined, undefined)).toBeUndefined();
  });
});

const storeWithWrites = () => {
  const store = new StreamStore('us-east-1');
  const stream = store.enable(TABLE_ARN, 'Orders', 'NEW_AND_OLD_IMAGES', keySchema);
  store.capture('Orders', undefined, item('PLACED'));
  store.capture('Orders', item('PLACED'), item('PLACED'));
  store.capture('Orders', item('PLACED'), item('CANCELLED'));
  store.capture('Orders', item('CANCELLED'), undefined);
  return { store, arn: stream.arn, shardId: stream.shardId };
};

const records = (store: StreamStore, iterator: string, limit?: number): Json =>
  store.handle('GetRecords', { ShardIterator: iterator, ...(limit ? { Limit: limit } : {}) });

const iterator = (store: StreamStore, body: Json): string =>
  (store.handle('GetShardIterator', body) as Json).ShardIterator;

describe('StreamStore', () => {
  it('describes the stream in table descriptions, ListStreams and DescribeStream', () => {
    // Prepare
    const { store, arn, shardId } = storeWithWrites();

    // Act
    const fields = store.tableFields('Orders');
    const list: Json = store.handle('ListStreams', { TableName: 'Orders' });
    const described: Json = store.handle('DescribeStream', { StreamArn: arn });

    // Assess
    expect(arn).toMatch(
      /^arn:aws:dynamodb:us-east-1:000000000000:table\/Orders\/stream\/\d{4}-\d\d-\d\dT[\d:.]+$/,
    );
    expect(fields).toEqual({
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      LatestStreamLabel: arn.split('/stream/')[1],
      LatestStreamArn: arn,
    });
    expect(list.Streams).toEqual([
      { StreamArn: arn, TableName: 'Orders', StreamLabel: fields?.LatestStreamLabel },
    ]);
    expect(described.StreamDescription).toMatchObject({
      StreamArn: arn,
      StreamStatus: 'ENABLED',
      StreamViewType: 'NEW_AND_OLD_IMAGES',
      TableName: 'Orders',
      KeySchema: keySchema,
      Shards: [
        {
          ShardId: shardId,
          SequenceNumberRange: { StartingSequenceNumber: expect.stringMatching(/^\d+$/) },
        },
      ],
    });
  });

  it('reads from TRIM_HORIZON in order, page by page, with increasing sequence numbers', () => {
    // Prepare
    const { store, arn, shardId } = storeWithWrites();

    // Act
    const first = records(
      store,
      iterator(store, { StreamArn: arn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
      2,
    );
    const rest = records(store, first.NextShardIterator);
    const empty = records(store, rest.NextShardIterator);

    // Assess
    const all = [...first.Records, ...rest.Records];
    expect(all.map((r: Json) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    const sequence: bigint[] = all.map((r: Json) => BigInt(r.dynamodb.SequenceNumber));
    expect(sequence).toEqual([...sequence].sort((a, b) => (a < b ? -1 : 1)));
    expect(new Set(sequence).size).toBe(3);
    expect(empty.Records).toEqual([]);
    expect(empty.NextShardIterator).toBeTypeOf('string');
  });

  it('starts LATEST after the last record and AT/AFTER_SEQUENCE_NUMBER at or after one', () => {
    // Prepare
    const { store, arn, shardId } = storeWithWrites();
    const all = records(
      store,
      iterator(store, { StreamArn: arn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    ).Records;
    const second = all[1].dynamodb.SequenceNumber;

    // Act
    const latest = iterator(store, {
      StreamArn: arn,
      ShardId: shardId,
      ShardIteratorType: 'LATEST',
    });
    store.capture('Orders', undefined, item('PLACED'));
    const at = records(
      store,
      iterator(store, {
        StreamArn: arn,
        ShardId: shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        SequenceNumber: second,
      }),
    );
    const after = records(
      store,
      iterator(store, {
        StreamArn: arn,
        ShardId: shardId,
        ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
        SequenceNumber: second,
      }),
    );

    // Assess
    expect(records(store, latest).Records.map((r: Json) => r.eventName)).toEqual(['INSERT']);
    expect(at.Records.map((r: Json) => r.eventName)).toEqual(['MODIFY', 'REMOVE', 'INSERT']);
    expect(after.Records.map((r: Json) => r.eventName)).toEqual(['REMOVE', 'INSERT']);
  });

  it('answers unknown streams, shards and bad requests with the Streams API errors', () => {
    // Prepare
    const { store, arn, shardId } = storeWithWrites();
    const error = (operation: string, body: Json) => {
      try {
        store.handle(operation, body);
      } catch (caught) {
        return (caught as { type: string }).type;
      }
      return 'none';
    };

    // Act / Assess
    expect(error('DescribeStream', { StreamArn: `${arn}x` })).toBe('ResourceNotFoundException');
    expect(
      error('GetShardIterator', {
        StreamArn: arn,
        ShardId: 'shardId-nope',
        ShardIteratorType: 'LATEST',
      }),
    ).toBe('ResourceNotFoundException');
    expect(
      error('GetShardIterator', {
        StreamArn: arn,
        ShardId: shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
      }),
    ).toBe('ValidationException');
    expect(
      error('GetShardIterator', {
        StreamArn: arn,
        ShardId: shardId,
        ShardIteratorType: 'AT_TIMESTAMP',
      }),
    ).toBe('ValidationException');
    expect(error('GetRecords', { ShardIterator: 'garbage' })).toBe('ValidationException');
    expect(error('ListShards', {})).toBe('UnknownOperationException');
  });

  it('closes the shard of a deleted table once its records are read', () => {
    // Prepare
    const { store, arn, shardId } = storeWithWrites();
    const start = iterator(store, {
      StreamArn: arn,
      ShardId: shardId,
      ShardIteratorType: 'TRIM_HORIZON',
    });

    // Act
    store.disable('Orders');
    const read = records(store, start);
    const described: Json = store.handle('DescribeStream', { StreamArn: arn });

    // Assess
    expect(read.Records).toHaveLength(3);
    expect(read.NextShardIterator).toBeUndefined();
    expect(described.StreamDescription.StreamStatus).toBe('DISABLED');
    expect(store.tableFields('Orders')).toBeUndefined();
  });
});
