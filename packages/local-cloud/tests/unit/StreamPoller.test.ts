import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BackendClients } from '../../src/clients.js';
import { memoryLog } from '../../src/dev/log.js';
import type { FunctionPool } from '../../src/lambda/FunctionPool.js';
import type { InvokeResult } from '../../src/lambda/types.js';
import type { LocalStackModel, StreamMappingModel } from '../../src/provision/model.js';
import { StreamPoller } from '../../src/triggers/dynamodb/StreamPoller.js';

const STREAM_ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/Orders/stream/2026-12-01T00:00';

/** One shard of a stream, served the way the DynamoDB Streams API serves it. */
class FakeShard {
  readonly records: StreamRecord[] = [];
  /** Errors the next GetRecords calls throw, one per call. */
  readonly failures: Error[] = [];
  failed = 0;
  private readonly expired = new Set<string>();
  private issued: string[] = [];

  write(key: string, createdAt = new Date()): void {
    this.records.push({
      eventID: `e-${key}`,
      eventName: 'INSERT',
      dynamodb: {
        ApproximateCreationDateTime: createdAt,
        Keys: { pk: { S: key } },
        NewImage: {
          pk: { S: key },
          ...(key.startsWith('poison') ? { poison: { BOOL: true } } : {}),
        },
        SequenceNumber: String(1000 + this.records.length),
        StreamViewType: 'NEW_IMAGE',
      },
    });
  }

  /** Every iterator handed out so far stops working, as AWS's do after 15 minutes. */
  expireIterators(): void {
    for (const iterator of this.issued) this.expired.add(iterator);
  }

  readonly send = async (command: unknown): Promise<unknown> => {
    if (command instanceof DescribeStreamCommand) {
      return { StreamDescription: { StreamArn: STREAM_ARN, Shards: [{ ShardId: 'shard-1' }] } };
    }
    if (command instanceof GetShardIteratorCommand) {
      const { ShardIteratorType: type, SequenceNumber } = command.input;
      const after = this.records.findIndex((r) => r.dynamodb?.SequenceNumber === SequenceNumber);
      const position =
        type === 'TRIM_HORIZON'
          ? 0
          : type === 'AFTER_SEQUENCE_NUMBER'
            ? after + 1
            : this.records.length;
      return { ShardIterator: this.iterator(position) };
    }
    if (command instanceof GetRecordsCommand) {
      const iterator = command.input.ShardIterator ?? '';
      const failure = this.failures.shift();
      if (failure) {
        this.failed++;
        throw failure;
      }
      if (this.expired.has(iterator)) {
        this.failed++;
        throw Object.assign(new Error('Iterator expired'), { name: 'ExpiredIteratorException' });
      }
      const position = Number(iterator.split(':')[1]);
      const records = this.records.slice(position);
      return { Records: records, NextShardIterator: this.iterator(position + records.length) };
    }
    throw new Error(`unexpected ${String(command)}`);
  };

  private iterator(position: number): string {
    const iterator = `it${this.issued.length}:${position}`;
    this.issued.push(iterator);
    return iterator;
  }
}

const internalError = () =>
  Object.assign(new Error('We encountered an internal error'), { name: 'InternalServerError' });

const keysOf = (event: unknown) =>
  (event as { Records: Array<{ dynamodb: { Keys: { pk: { S: string } } } }> }).Records.map(
    (record) => record.dynamodb.Keys.pk.S,
  );

/** A poller on a fake shard, a fake function (failing any batch with a poison record) and SQS. */
const harness = (mapping: Partial<StreamMappingModel>, sqsFailures: Error[] = []) => {
  const shard = new FakeShard();
  const invocations: Array<{ keys: string[]; ok: boolean }> = [];
  const destination: Array<{ startSequenceNumber: string; endSequenceNumber: string }> = [];
  const pool = {
    invoke: async (_id: string, event: unknown): Promise<InvokeResult> => {
      const keys = keysOf(event);
      const ok = !keys.some((key) => key.startsWith('poison'));
      invocations.push({ keys, ok });
      return {
        requestId: `r-${invocations.length}`,
        ok,
        durationMs: 1,
        ...(ok ? { payload: 'null' } : { error: { errorType: 'Error', errorMessage: 'poison' } }),
      };
    },
  } as unknown as FunctionPool;
  const sqs = {
    send: async (command: unknown) => {
      if (!(command instanceof SendMessageCommand)) throw new Error('unexpected SQS call');
      const failure = sqsFailures.shift();
      if (failure) throw failure;
      const { startSequenceNumber, endSequenceNumber } = JSON.parse(
        command.input.MessageBody ?? '{}',
      ).DDBStreamBatchInfo;
      destination.push({ startSequenceNumber, endSequenceNumber });
      return {};
    },
  };
  const clients = { dynamodbStreams: { send: shard.send }, sqs } as unknown as BackendClients;
  const model = {
    tables: new Map(),
    functions: new Map(),
    queues: new Map([
      ['Failures', { logicalId: 'Failures', name: 'failures', url: 'http://sqs/failures' }],
    ]),
  } as unknown as LocalStackModel;
  const poller = new StreamPoller(
    {
      id: 'ConsumerChanges',
      functionId: 'Consumer',
      tableId: 'Orders',
      streamArn: STREAM_ARN,
      startingPosition: 'LATEST',
      batchSize: 10,
      maximumBatchingWindowSeconds: 0,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: -1,
      maximumRecordAgeSeconds: -1,
      reportBatchItemFailures: false,
      enabled: true,
      filters: [],
      ...mapping,
    },
    model,
    pool,
    clients,
    memoryLog(),
    { pollIntervalMs: 5, retryDelayMs: 5, shardDiscoveryMs: 60_000 },
  );
  pollers.push(poller);
  const delivered = () => invocations.filter((i) => i.ok).flatMap((i) => i.keys);
  return { shard, poller, invocations, delivered, destination };
};

const pollers: StreamPoller[] = [];
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
});

const until = (check: () => void) => vi.waitFor(check, { timeout: 5_000, interval: 10 });

describe('StreamPoller', () => {
  it('retries a failed read from where it stood, not from LATEST, before any record was read', async () => {
    // Prepare
    const { shard, poller, delivered } = harness({ startingPosition: 'LATEST' });
    shard.write('before-start');
    await poller.start();

    // Act: record 1, then the next read fails once, then record 2.
    shard.write('1');
    shard.failures.push(internalError());
    await until(() => expect(shard.failed).toBe(1));
    shard.write('2');

    // Assess
    await until(() => expect(delivered()).toEqual(['1', '2']));
  });

  it('re-reads a LATEST start whose iterator expired before any record, skipping older records', async () => {
    // Prepare
    const { shard, poller, delivered } = harness({ startingPosition: 'LATEST' });
    shard.write('an-hour-ago', new Date(Date.now() - 3_600_000));
    await poller.start();

    // Act
    shard.write('1');
    shard.expireIterators();
    await until(() => expect(shard.failed).toBeGreaterThanOrEqual(1));
    shard.write('2');

    // Assess
    await until(() => expect(delivered()).toEqual(['1', '2']));
  });

  it('retries a failed on-failure send alone: delivered records are not invoked again', async () => {
    // Prepare
    const { shard, poller, invocations, delivered, destination } = harness(
      {
        startingPosition: 'TRIM_HORIZON',
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 2,
        onFailureQueueId: 'Failures',
      },
      [Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' })],
    );
    for (const key of ['1', '2', 'poison-3', '4']) shard.write(key);

    // Act
    await poller.start();

    // Assess
    await until(() => expect(delivered()).toEqual(['1', '2', '4']));
    expect(destination).toEqual([{ startSequenceNumber: '1002', endSequenceNumber: '1002' }]);
    // Two retries (the bisections) and no more: the failed send did not start the batch over.
    expect(invocations.map((i) => i.keys)).toEqual([
      ['1', '2', 'poison-3', '4'],
      ['1', '2'],
      ['poison-3', '4'],
      ['poison-3'],
      ['4'],
    ]);
  });
});
