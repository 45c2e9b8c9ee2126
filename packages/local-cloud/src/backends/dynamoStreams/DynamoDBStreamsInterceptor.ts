import type { IncomingHttpHeaders } from 'node:http';
import { crc32 } from 'node:zlib';
import type { BufferedAnswer, BufferedRequest, ProxyInterceptor } from '../BackendProxy.js';
import { type StreamStore, StreamsApiError } from './StreamStore.js';
import { keyOf, type WireItem } from './streamRecords.js';

type Answer = BufferedAnswer;
type Forward = (request: BufferedRequest) => Promise<BufferedAnswer>;

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const parse = (body: Buffer): Json => {
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
};

// Headers DynamoDB clients check: the body changed, so its length and CRC32 change too.
const jsonAnswer = (status: number, value: unknown, headers: IncomingHttpHeaders = {}): Answer => {
  const body = Buffer.from(JSON.stringify(value));
  return {
    status,
    headers: {
      ...headers,
      'content-type': 'application/x-amz-json-1.0',
      'content-length': String(body.length),
      'x-amz-crc32': String(crc32(body)),
    },
    body,
  };
};

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
const TABLE_OPERATIONS = new Set(['CreateTable', 'DescribeTable', 'UpdateTable', 'DeleteTable']);

/**
 * DynamoDB Streams for dynalite, as an interceptor of the DynamoDB port's proxy
 * ({@link BackendProxy}). Every other request streams through untouched; for tables created
 * with a StreamSpecification it serialises writes per table, reads the item (consistently)
 * before and after each successful write, and appends the change to the table's stream; it
 * adds the stream fields to CreateTable/DescribeTable answers, and it serves the DynamoDB
 * Streams API (`DynamoDBStreams_20120810.*`) from that log.
 */
export class DynamoDBStreamsInterceptor implements ProxyInterceptor {
  private readonly store: StreamStore;
  private readonly locks = new Map<string, Promise<void>>();

  constructor(store: StreamStore) {
    this.store = store;
  }

  wants(headers: IncomingHttpHeaders): boolean {
    const [service, operation = ''] = String(headers['x-amz-target'] ?? '').split('.');
    if (service === 'DynamoDBStreams_20120810') return true;
    return (
      service === 'DynamoDB_20120810' && (WRITES.has(operation) || TABLE_OPERATIONS.has(operation))
    );
  }

  async handle(request: BufferedRequest, forward: Forward): Promise<Answer> {
    const [service, operation = ''] = String(request.headers['x-amz-target'] ?? '').split('.');
    if (service === 'DynamoDBStreams_20120810')
      return this.streamsApi(operation, parse(request.body));
    if (WRITES.has(operation)) return this.write(request, operation, forward);
    if (TABLE_OPERATIONS.has(operation)) return this.tableOperation(request, operation, forward);
    return forward(request);
  }

  private streamsApi(operation: string, body: Json): Answer {
    try {
      return jsonAnswer(200, this.store.handle(operation, body));
    } catch (error) {
      if (!(error instanceof StreamsApiError)) throw error;
      const prefix =
        error.type === 'UnknownOperationException'
          ? 'com.amazon.coral.service'
          : 'com.amazonaws.dynamodb.v20120810';
      return jsonAnswer(400, { __type: `${prefix}#${error.type}`, message: error.message });
    }
  }

  private async tableOperation(request: BufferedRequest, operation: string, forward: Forward) {
    const body = parse(request.body);
    const spec = isRecord(body.StreamSpecification) ? body.StreamSpecification : undefined;
    const enabling = spec?.StreamEnabled === true;
    if (enabling && typeof spec?.StreamViewType !== 'string') {
      return jsonAnswer(400, {
        __type: 'com.amazon.coral.validate#ValidationException',
        message: 'StreamSpecification: StreamViewType is required when StreamEnabled is true',
      });
    }
    const answer = await forward(request);
    if (answer.status !== 200) return answer;
    const name = String(body.TableName ?? '');
    const output = parse(answer.body);
    const descriptionKey = operation === 'DescribeTable' ? 'Table' : 'TableDescription';
    const description = isRecord(output[descriptionKey]) ? output[descriptionKey] : undefined;
    if (operation === 'DeleteTable') {
      this.store.disable(name);
      return answer;
    }
    if ((operation === 'CreateTable' || operation === 'UpdateTable') && spec !== undefined) {
      if (enabling && description) {
        this.store.enable(
          String(description.TableArn),
          name,
          String(spec.StreamViewType),
          (description.KeySchema as Array<{ AttributeName: string; KeyType: string }>) ?? [],
        );
      } else if (!enabling) {
        this.store.disable(name);
      }
    }
    const fields = this.store.tableFields(name);
    if (fields === undefined || description === undefined) return answer;
    return jsonAnswer(
      200,
      { ...output, [descriptionKey]: { ...description, ...fields } },
      answer.headers,
    );
  }

  /** Serialise writes per table: acquire the tables' locks in name order (no deadlocks). */
  private async lock(tables: string[]): Promise<() => void> {
    const releases: Array<() => void> = [];
    for (const table of [...new Set(tables)].sort()) {
      const previous = this.locks.get(table) ?? Promise.resolve();
      let release: () => void = () => undefined;
      const current = new Promise<void>((resolve) => {
        release = resolve;
      });
      const tail = previous.then(() => current);
      this.locks.set(table, tail);
      await previous;
      releases.push(() => {
        release();
        if (this.locks.get(table) === tail) this.locks.delete(table);
      });
    }
    return () => {
      for (const release of releases) release();
    };
  }

  private async getItem(request: BufferedRequest, forward: Forward, table: string, key: WireItem) {
    const headers: IncomingHttpHeaders = {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.GetItem',
    };
    for (const name of ['authorization', 'x-amz-date', 'x-amz-security-token']) {
      if (request.headers[name] !== undefined) headers[name] = request.headers[name];
    }
    const body = Buffer.from(JSON.stringify({ TableName: table, Key: key, ConsistentRead: true }));
    headers['content-length'] = String(body.length);
    const answer = await forward({ method: 'POST', path: '/', headers, body });
    if (answer.status !== 200) throw new Error(`GetItem ${table}: ${answer.body.toString()}`);
    const item = parse(answer.body).Item;
    return isRecord(item) ? item : undefined;
  }

  /** The (table, key) pairs a write touches on streamed tables. */
  private touched(operation: string, body: Json): Array<{ table: string; key: WireItem }> {
    const keyFor = (table: string, item: unknown) => {
      const names = this.store.keyNames(table);
      if (names === undefined || !isRecord(item)) return undefined;
      const key = keyOf(item, names);
      return Object.keys(key).length === names.length ? { table, key } : undefined;
    };
    const single = (table: unknown, item: unknown) => {
      const found = typeof table === 'string' ? keyFor(table, item) : undefined;
      return found ? [found] : [];
    };
    if (operation === 'PutItem') return single(body.TableName, body.Item);
    if (operation === 'UpdateItem' || operation === 'DeleteItem')
      return single(body.TableName, body.Key);
    const touched: Array<{ table: string; key: WireItem }> = [];
    const requestItems = isRecord(body.RequestItems) ? body.RequestItems : {};
    for (const [table, requests] of Object.entries(requestItems)) {
      if (!Array.isArray(requests)) continue;
      for (const entry of requests) {
        const put =
          isRecord(entry) && isRecord(entry.PutRequest) ? entry.PutRequest.Item : undefined;
        const del =
          isRecord(entry) && isRecord(entry.DeleteRequest) ? entry.DeleteRequest.Key : undefined;
        const found = keyFor(table, put ?? del);
        if (found) touched.push(found);
      }
    }
    return touched;
  }

  private async write(request: BufferedRequest, operation: string, forward: Forward) {
    const touched = this.touched(operation, parse(request.body));
    const pass = () => forward(request);
    if (touched.length === 0) return pass();
    const release = await this.lock(touched.map((t) => t.table));
    try {
      let before: Array<WireItem | undefined>;
      try {
        before = await Promise.all(
          touched.map((t) => this.getItem(request, forward, t.table, t.key)),
        );
      } catch {
        // A key the backend rejects: the write fails the same way, and writes nothing.
        return await pass();
      }
      const answer = await pass();
      if (answer.status !== 200) return answer;
      const after = await Promise.all(
        touched.map((t) => this.getItem(request, forward, t.table, t.key)),
      );
      touched.forEach((t, i) => {
        this.store.capture(t.table, before[i], after[i]);
      });
      return answer;
    } finally {
      release();
    }
  }
}
