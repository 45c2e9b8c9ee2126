import { randomBytes, randomUUID } from 'node:crypto';
import {
  STREAM_VIEW_TYPES,
  type StreamViewType,
  streamRecord,
  type WireItem,
  type WireStreamRecord,
} from './streamRecords.js';

/** An error the Streams API answers with (HTTP 400, `__type` + `message`). */
export class StreamsApiError extends Error {
  readonly type: string;
  constructor(type: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StreamsApiError';
    this.type = type;
  }
}

interface KeyElement {
  AttributeName: string;
  KeyType: string;
}

interface Stream {
  arn: string;
  label: string;
  tableName: string;
  viewType: StreamViewType;
  keySchema: KeyElement[];
  createdAt: number;
  shardId: string;
  startingSequenceNumber: string;
  enabled: boolean;
  records: WireStreamRecord[];
}

interface Iterator {
  arn: string;
  shardId: string;
  position: number;
}

const notFound = (what: string) =>
  new StreamsApiError('ResourceNotFoundException', `Requested resource not found: ${what}`);
const invalid = (message: string) => new StreamsApiError('ValidationException', message);

const SEQUENCE_BASE = 100_000_000_000_000_000_000n;

/**
 * The change log of every table created with a StreamSpecification, and the DynamoDB
 * Streams API served from it. One open shard per stream; records are kept for the life of
 * the process (AWS trims after 24 hours and rolls shards every few hours).
 */
export class StreamStore {
  private readonly streams = new Map<string, Stream>();
  private readonly byTable = new Map<string, Stream>();
  private readonly region: string;
  private sequence = 0n;

  constructor(region: string) {
    this.region = region;
  }

  private nextSequenceNumber(): string {
    this.sequence += 1n;
    return (SEQUENCE_BASE + this.sequence * 100n).toString();
  }

  /** Start a stream for a table (CreateTable, or UpdateTable enabling one). */
  enable(tableArn: string, tableName: string, viewType: string, keySchema: KeyElement[]) {
    if (!(STREAM_VIEW_TYPES as readonly string[]).includes(viewType)) {
      throw invalid(`StreamViewType must be one of ${STREAM_VIEW_TYPES.join(', ')}`);
    }
    const createdAt = Date.now();
    const label = new Date(createdAt).toISOString().slice(0, -1);
    const stream: Stream = {
      arn: `${tableArn}/stream/${label}`,
      label,
      tableName,
      viewType: viewType as StreamViewType,
      keySchema,
      createdAt,
      shardId: `shardId-${String(createdAt).padStart(20, '0')}-${randomBytes(4).toString('hex')}`,
      startingSequenceNumber: (SEQUENCE_BASE + (this.sequence + 1n) * 100n).toString(),
      enabled: true,
      records: [],
    };
    this.streams.set(stream.arn, stream);
    this.byTable.set(tableName, stream);
    return stream;
  }

  /** The table's stream is gone with the table (DeleteTable); its records stay readable. */
  disable(tableName: string): void {
    const stream = this.byTable.get(tableName);
    if (stream) stream.enabled = false;
    this.byTable.delete(tableName);
  }

  /** What CreateTable/DescribeTable add to a table description for a streamed table. */
  tableFields(tableName: string): Record<string, unknown> | undefined {
    const stream = this.byTable.get(tableName);
    if (stream === undefined) return undefined;
    return {
      StreamSpecification: { StreamEnabled: true, StreamViewType: stream.viewType },
      LatestStreamLabel: stream.label,
      LatestStreamArn: stream.arn,
    };
  }

  /** Key attribute names of a streamed table, or undefined if the table has no stream. */
  keyNames(tableName: string): string[] | undefined {
    return this.byTable.get(tableName)?.keySchema.map((k) => k.AttributeName);
  }

  /** Append the record for one write to the table's stream (nothing if nothing changed). */
  capture(tableName: string, before: WireItem | undefined, after: WireItem | undefined): void {
    const stream = this.byTable.get(tableName);
    if (stream === undefined) return;
    const record = streamRecord({
      before,
      after,
      keyNames: stream.keySchema.map((k) => k.AttributeName),
      viewType: stream.viewType,
      sequenceNumber: this.nextSequenceNumber(),
      eventId: randomUUID().replaceAll('-', ''),
      region: this.region,
      now: Date.now(),
    });
    if (record) stream.records.push(record);
  }

  /** Serve one `DynamoDBStreams_20120810.<operation>` request. */
  handle(operation: string, body: Record<string, unknown>): unknown {
    switch (operation) {
      case 'ListStreams':
        return this.listStreams(body);
      case 'DescribeStream':
        return this.describeStream(body);
      case 'GetShardIterator':
        return this.getShardIterator(body);
      case 'GetRecords':
        return this.getRecords(body);
      default:
        throw new StreamsApiError('UnknownOperationException', `Unknown operation ${operation}`);
    }
  }

  private stream(arn: unknown): Stream {
    if (typeof arn !== 'string' || arn === '') throw invalid('StreamArn is required');
    const stream = this.streams.get(arn);
    if (stream === undefined) throw notFound(`Stream: ${arn} not found`);
    return stream;
  }

  private listStreams(body: Record<string, unknown>) {
    const limit = Number(body.Limit ?? 100);
    let streams = [...this.streams.values()].filter(
      (s) => body.TableName === undefined || s.tableName === body.TableName,
    );
    if (typeof body.ExclusiveStartStreamArn === 'string') {
      const at = streams.findIndex((s) => s.arn === body.ExclusiveStartStreamArn);
      streams = streams.slice(at + 1);
    }
    const page = streams.slice(0, limit);
    return {
      Streams: page.map((s) => ({
        StreamArn: s.arn,
        TableName: s.tableName,
        StreamLabel: s.label,
      })),
      ...(streams.length > limit ? { LastEvaluatedStreamArn: page.at(-1)?.arn } : {}),
    };
  }

  private describeStream(body: Record<string, unknown>) {
    const stream = this.stream(body.StreamArn);
    const last = stream.records.at(-1)?.dynamodb.SequenceNumber;
    return {
      StreamDescription: {
        StreamArn: stream.arn,
        StreamLabel: stream.label,
        StreamStatus: stream.enabled ? 'ENABLED' : 'DISABLED',
        StreamViewType: stream.viewType,
        CreationRequestDateTime: stream.createdAt / 1000,
        TableName: stream.tableName,
        KeySchema: stream.keySchema,
        Shards:
          body.ExclusiveStartShardId === stream.shardId
            ? []
            : [
                {
                  ShardId: stream.shardId,
                  SequenceNumberRange: {
                    StartingSequenceNumber: stream.startingSequenceNumber,
                    // A disabled stream's shard is closed.
                    ...(stream.enabled || last === undefined ? {} : { EndingSequenceNumber: last }),
                  },
                },
              ],
      },
    };
  }

  private getShardIterator(body: Record<string, unknown>) {
    const stream = this.stream(body.StreamArn);
    if (body.ShardId !== stream.shardId) throw notFound(`Shard: ${String(body.ShardId)}`);
    const type = body.ShardIteratorType;
    const sequence = body.SequenceNumber;
    let position: number;
    if (type === 'TRIM_HORIZON') position = 0;
    else if (type === 'LATEST') position = stream.records.length;
    else if (type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER') {
      if (typeof sequence !== 'string' || !/^\d+$/.test(sequence)) {
        throw invalid(`SequenceNumber is required for ${type}`);
      }
      const wanted = BigInt(sequence);
      if (wanted < BigInt(stream.startingSequenceNumber)) {
        throw invalid(`Invalid SequenceNumber ${sequence} for shard ${stream.shardId}`);
      }
      const index = stream.records.findIndex((r) =>
        type === 'AT_SEQUENCE_NUMBER'
          ? BigInt(r.dynamodb.SequenceNumber) >= wanted
          : BigInt(r.dynamodb.SequenceNumber) > wanted,
      );
      position = index === -1 ? stream.records.length : index;
    } else {
      throw invalid(
        'ShardIteratorType must be TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER',
      );
    }
    return { ShardIterator: this.encode({ arn: stream.arn, shardId: stream.shardId, position }) };
  }

  private getRecords(body: Record<string, unknown>) {
    const iterator = this.decode(body.ShardIterator);
    const stream = this.stream(iterator.arn);
    const limit = Number(body.Limit ?? 1000);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw invalid('Limit must be between 1 and 1000');
    }
    const records = stream.records.slice(iterator.position, iterator.position + limit);
    const position = iterator.position + records.length;
    const closed = !stream.enabled && position >= stream.records.length;
    return {
      Records: records,
      ...(closed ? {} : { NextShardIterator: this.encode({ ...iterator, position }) }),
    };
  }

  // Iterators are opaque to clients; AWS's expire after 15 minutes, these do not.
  private encode(iterator: Iterator): string {
    return `${iterator.arn}|1|${Buffer.from(JSON.stringify(iterator)).toString('base64')}`;
  }

  private decode(value: unknown): Iterator {
    if (typeof value !== 'string') throw invalid('ShardIterator is required');
    let iterator: Partial<Iterator> | undefined;
    try {
      const encoded = value.slice(value.lastIndexOf('|') + 1);
      iterator = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as Partial<Iterator>;
    } catch {
      iterator = undefined;
    }
    if (typeof iterator?.arn !== 'string' || typeof iterator.position !== 'number') {
      throw invalid('Invalid ShardIterator');
    }
    return iterator as Iterator;
  }
}
