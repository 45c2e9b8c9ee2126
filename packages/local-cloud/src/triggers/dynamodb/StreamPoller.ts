import { createHash } from 'node:crypto';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { BackendClients } from '../../clients.js';
import { abortableSleep as sleep } from '../../lambda/abortableSleep.js';
import type { FunctionPool } from '../../lambda/FunctionPool.js';
import type { RunnerLog } from '../../lambda/types.js';
import type { LocalStackModel, StreamMappingModel } from '../../provision/model.js';
import { matchesPattern } from '../eventbridge/eventPattern.js';
import { createdMs, type DiscardInfo, deliverStreamBatch } from './deliverStreamBatch.js';
import { streamEventRecord, streamFailureMessage } from './streamEvents.js';

/** Options for {@link StreamPoller}. */
export interface StreamPollerOptions {
  /** Cap MaximumBatchingWindowInSeconds (a local shortcut, as for SQS; tests use 1). */
  maxBatchingWindowSeconds?: number;
  /** Pause between empty GetRecords calls per shard (default 250 ms: Lambda polls 4 times a second). */
  pollIntervalMs?: number;
  /** Pause before a failed batch, or a failed read of the stream, is retried (default 1000 ms). */
  retryDelayMs?: number;
  /** How often to look for new shards (default 10 s). */
  shardDiscoveryMs?: number;
}

type Position = 'TRIM_HORIZON' | 'LATEST';

/** Where a shard's reading started: what an expired iterator is replaced with before any record. */
interface ShardStart {
  position: Position;
  /** When the starting iterator was taken (epoch ms). */
  at: number;
}

/**
 * A DynamoDB Streams event source mapping: reads each shard of the table's stream through
 * the DynamoDB Streams API (the embedded proxy, moto or AWS alike), drops records no filter
 * matches, gathers batches (BatchSize, MaximumBatchingWindowInSeconds) and delivers them to
 * the function in order, one batch per shard at a time, with Lambda's retry, bisection,
 * partial-failure and on-failure handling ({@link deliverStreamBatch}).
 */
export class StreamPoller {
  private readonly mapping: StreamMappingModel;
  private readonly model: LocalStackModel;
  private readonly pool: FunctionPool;
  private readonly clients: BackendClients;
  private readonly log: RunnerLog;
  private readonly options: StreamPollerOptions;
  private readonly abort = new AbortController();
  private readonly shards = new Map<string, Promise<void>>();
  private discovery: Promise<void> | undefined;

  constructor(
    mapping: StreamMappingModel,
    model: LocalStackModel,
    pool: FunctionPool,
    clients: BackendClients,
    log: RunnerLog,
    options: StreamPollerOptions = {},
  ) {
    this.mapping = mapping;
    this.model = model;
    this.pool = pool;
    this.clients = clients;
    this.log = log;
    this.options = options;
  }

  /** Resolves once every shard has its starting iterator (so LATEST means "from now"). */
  async start(): Promise<void> {
    if (!this.mapping.enabled) return;
    await this.discover(this.mapping.startingPosition);
    this.discovery = this.discoverLoop();
  }

  /** Take no new batch; the one in flight (if any) goes on ({@link stop} waits for it). */
  halt(): void {
    this.abort.abort();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.discovery;
    await Promise.all(this.shards.values());
  }

  private get signal() {
    return this.abort.signal;
  }

  private async discoverLoop() {
    while (!this.signal.aborted) {
      await sleep(this.options.shardDiscoveryMs ?? 10_000, this.signal);
      if (this.signal.aborted) return;
      // Shards that appear later (AWS rolls them every few hours) are read from their start.
      await this.discover('TRIM_HORIZON').catch(() => undefined);
    }
  }

  private async discover(position: Position) {
    const { streamArn } = this.mapping;
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.clients.dynamodbStreams.send(
        new DescribeStreamCommand({
          StreamArn: streamArn,
          ...(exclusiveStartShardId ? { ExclusiveStartShardId: exclusiveStartShardId } : {}),
        }),
        { abortSignal: this.signal },
      );
      for (const shard of StreamDescription?.Shards ?? []) {
        const shardId = shard.ShardId;
        if (shardId === undefined || this.shards.has(shardId)) continue;
        const at = Date.now();
        const iterator = await this.iterator(shardId, position);
        this.shards.set(shardId, this.readShard(shardId, iterator, { position, at }));
      }
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
  }

  private async iterator(
    shardId: string,
    position: Position,
    after?: string,
  ): Promise<string | undefined> {
    const { ShardIterator } = await this.clients.dynamodbStreams.send(
      new GetShardIteratorCommand({
        StreamArn: this.mapping.streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: position }),
      }),
      { abortSignal: this.signal },
    );
    return ShardIterator;
  }

  private matches(record: StreamRecord): boolean {
    const { filters, streamArn } = this.mapping;
    if (filters.length === 0) return true;
    const event = streamEventRecord(record, streamArn);
    return filters.some((pattern) => matchesPattern(pattern, event));
  }

  private async readShard(shardId: string, first: string | undefined, start: ShardStart) {
    const { mapping, signal } = this;
    const windowMs =
      Math.min(
        mapping.maximumBatchingWindowSeconds,
        this.options.maxBatchingWindowSeconds ?? Number.POSITIVE_INFINITY,
      ) * 1000;
    const pollMs = this.options.pollIntervalMs ?? 250;
    const retryMs = this.options.retryDelayMs ?? 1000;
    // The iterator of the next GetRecords. Only a successful read replaces it: a failed read is
    // retried with the same iterator (AWS's stay valid for 15 minutes), so the mapping stays at
    // its checkpoint, as Lambda's does, and never jumps ahead to LATEST.
    let iterator = first;
    let lastRead: string | undefined;
    // Records created before this are skipped (only after a LATEST start had to be re-read).
    let skipBefore = Number.NEGATIVE_INFINITY;
    let open = iterator !== undefined;
    const buffer: StreamRecord[] = [];
    let bufferedSince = 0;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (iterator === undefined && open) {
          if (lastRead === undefined && start.position === 'LATEST') {
            // The LATEST iterator expired before any record was read, and nothing else names
            // that point: read from the shard's start, skipping what was written before it (to
            // the second, as ApproximateCreationDateTime goes): a few records again, none lost.
            skipBefore = Math.floor(start.at / 1000) * 1000;
            iterator = await this.iterator(shardId, 'TRIM_HORIZON');
          } else {
            iterator = await this.iterator(shardId, start.position, lastRead);
          }
        }
        // Read on only while less than a batch waits: under a steady stream of writes that
        // the function cannot keep up with, records stay in the stream, not in this process.
        if (iterator !== undefined && buffer.length < mapping.batchSize) {
          const output = await this.clients.dynamodbStreams.send(
            new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }),
            { abortSignal: signal },
          );
          const records = output.Records ?? [];
          // Records no filter matches are dropped, as Lambda does.
          const kept = records.filter((r) => createdMs(r) >= skipBefore && this.matches(r));
          iterator = output.NextShardIterator;
          open = iterator !== undefined;
          lastRead = records.at(-1)?.dynamodb?.SequenceNumber ?? lastRead;
          if (buffer.length === 0 && kept.length > 0) bufferedSince = Date.now();
          buffer.push(...kept);
        }
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        if (failures++ === 0)
          this.log.warn(`${mapping.tableId} stream poller: ${(error as Error).message} (retrying)`);
        // Only an expired iterator is replaced: after the last record read, or where it started.
        if ((error as Error).name === 'ExpiredIteratorException') iterator = undefined;
        await sleep(retryMs, signal);
        continue;
      }
      const full = buffer.length >= mapping.batchSize;
      const windowOver = Date.now() - bufferedSince >= windowMs;
      if (buffer.length > 0 && (full || windowOver || !open)) {
        // Resolves once every record is delivered or discarded (or the poller stops); a step
        // that fails for the runner's own reason is retried inside, from where it stopped.
        await this.deliver(shardId, buffer.splice(0, mapping.batchSize));
        bufferedSince = Date.now();
        continue;
      }
      if (buffer.length === 0 && !open) return;
      await sleep(pollMs, signal);
    }
  }

  private deliver(shardId: string, records: StreamRecord[]) {
    const { mapping, signal } = this;
    return deliverStreamBatch(
      records,
      {
        reportBatchItemFailures: mapping.reportBatchItemFailures,
        bisectBatchOnFunctionError: mapping.bisectBatchOnFunctionError,
        maximumRetryAttempts: mapping.maximumRetryAttempts,
        maximumRecordAgeSeconds: mapping.maximumRecordAgeSeconds,
        retryDelayMs: this.options.retryDelayMs ?? 1000,
      },
      {
        invoke: (batch) =>
          this.pool.invoke(mapping.functionId, {
            Records: batch.map((record) => streamEventRecord(record, mapping.streamArn)),
          }),
        discard: (batch, info) => this.discard(shardId, batch, info),
        delivered: (batch, failed) => {
          const table = this.model.tables.get(mapping.tableId)?.name ?? mapping.tableId;
          const note = failed > 0 ? `, ${failed} failed` : '';
          const line = `DynamoDB ${table} stream -> ${mapping.functionId}: ${batch.length} record(s)${note}`;
          if (failed > 0) this.log.warn(line);
          else this.log.info(line);
        },
        stepFailed: (error) =>
          this.log.error(
            `${mapping.functionId}: stream batch not delivered yet: ${error.message} (retrying from where it stopped)`,
          ),
        now: () => Date.now(),
        sleep: (ms) => sleep(ms, signal),
        aborted: () => signal.aborted,
      },
    );
  }

  private async discard(shardId: string, records: StreamRecord[], info: DiscardInfo) {
    const { mapping } = this;
    const queue =
      mapping.onFailureQueueId === undefined
        ? undefined
        : this.model.queues.get(mapping.onFailureQueueId);
    this.log.warn(
      `${mapping.functionId}: ${records.length} stream record(s) discarded (${info.condition})${queue ? `, sent to ${queue.name}` : ''}`,
    );
    if (queue === undefined) return;
    const message = streamFailureMessage({
      ...info,
      functionArn: this.model.functions.get(mapping.functionId)?.arn ?? mapping.functionId,
      shardId,
      streamArn: mapping.streamArn,
      records,
      now: new Date(),
    });
    const { startSequenceNumber, endSequenceNumber } = message.DDBStreamBatchInfo;
    const fifo = queue.name.endsWith('.fifo')
      ? {
          MessageGroupId: shardId,
          MessageDeduplicationId: createHash('sha256')
            .update(`${mapping.streamArn}|${startSequenceNumber}|${endSequenceNumber}`)
            .digest('hex'),
        }
      : {};
    await this.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: JSON.stringify(message),
        ...fifo,
      }),
    );
  }
}
