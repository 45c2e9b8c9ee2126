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

/** A request of the proxy's own, with the credentials of the request it serves. */
const signedLike = (request: BufferedRequest, operation: string, input: Json): BufferedRequest => {
  const headers: IncomingHttpHeaders = {
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': `DynamoDB_20120810.${operation}`,
  };
  for (const name of ['authorization', 'x-amz-date', 'x-amz-security-token']) {
    if (request.headers[name] !== undefined) headers[name] = request.headers[name];
  }
  const body = Buffer.from(JSON.stringify(input));
  headers['content-length'] = String(body.length);
  return { method: 'POST', path: '/', headers, body };
};

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
const SINGLE_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
const TABLE_OPERATIONS = new Set(['CreateTable', 'DescribeTable', 'UpdateTable', 'DeleteTable']);

/**
 * DynamoDB Streams for dynalite, as an interceptor of the DynamoDB port's proxy
 * ({@link BackendProxy}). Every other request streams through untouched; it serialises writes
 * per table; for tables created with a StreamSpecification it reads the item (consistently)
 * before and after each successful write, and appends the change to the table's stream; it
 * adds the stream fields to CreateTable/DescribeTable answers, and it serves the DynamoDB
 * Streams API (`DynamoDBStreams_20120810.*`) from that log. It also gives a single-item write
 * that asked for `ReturnValuesOnConditionCheckFailure: ALL_OLD` the item that failed its
 * condition (dynalite ignores the parameter), read under the same lock, so no other write can
 * come in between.
 */
export class DynamoDBStreamsInterceptor implements ProxyInterceptor {
  private readonly store: StreamStore;
  private readonly locks = new Map<string, Promise<void>>();
  /** Key attribute names per table (DescribeTable), for the key of a PutItem's item. */
  private readonly keySchemas = new Map<string, Promise<string[] | undefined>>();

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
    if (operation !== 'DescribeTable') this.keySchemas.delete(name);
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
    const answer = await forward(
      signedLike(request, 'GetItem', { TableName: table, Key: key, ConsistentRead: true }),
    );
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

  /** The tables a write names (each is locked while the write runs). */
  private writtenTables(operation: string, body: Json): string[] {
    if (SINGLE_WRITES.has(operation)) {
      return typeof body.TableName === 'string' ? [body.TableName] : [];
    }
    return isRecord(body.RequestItems) ? Object.keys(body.RequestItems) : [];
  }

  private keyNames(request: BufferedRequest, forward: Forward, table: string) {
    const known = this.store.keyNames(table);
    if (known !== undefined) return Promise.resolve(known);
    let names = this.keySchemas.get(table);
    if (names === undefined) {
      names = this.describeKeyNames(request, forward, table);
      this.keySchemas.set(table, names);
      // An unknown table is asked again next time (it may be created meanwhile).
      void names.then((found) => {
        if (found === undefined) this.keySchemas.delete(table);
      });
    }
    return names;
  }

  private async describeKeyNames(request: BufferedRequest, forward: Forward, table: string) {
    const answer = await forward(signedLike(request, 'DescribeTable', { TableName: table }));
    if (answer.status !== 200) return undefined;
    const description = parse(answer.body).Table;
    const schema = isRecord(description) ? description.KeySchema : undefined;
    if (!Array.isArray(schema)) return undefined;
    return schema.map((element) => String((element as { AttributeName?: unknown }).AttributeName));
  }

  /**
   * The key whose item a failed condition returns: a single-item write that asked for
   * `ReturnValuesOnConditionCheckFailure: ALL_OLD`.
   */
  private async oldItemKey(
    request: BufferedRequest,
    forward: Forward,
    operation: string,
    body: Json,
  ): Promise<{ table: string; key: WireItem } | undefined> {
    if (!SINGLE_WRITES.has(operation) || body.ReturnValuesOnConditionCheckFailure !== 'ALL_OLD') {
      return undefined;
    }
    const table = body.TableName;
    if (typeof table !== 'string') return undefined;
    if (operation !== 'PutItem') return isRecord(body.Key) ? { table, key: body.Key } : undefined;
    const names = await this.keyNames(request, forward, table);
    if (names === undefined || !isRecord(body.Item)) return undefined;
    const key = keyOf(body.Item, names);
    return Object.keys(key).length === names.length ? { table, key } : undefined;
  }

  /** A ConditionalCheckFailedException answer with the item as it is (if there is one). */
  private async withOldItem(
    answer: Answer,
    target: { table: string; key: WireItem },
    request: BufferedRequest,
    forward: Forward,
  ): Promise<Answer> {
    const error = parse(answer.body);
    if (!String(error.__type ?? '').endsWith('#ConditionalCheckFailedException')) return answer;
    const item = await this.getItem(request, forward, target.table, target.key);
    return item === undefined
      ? answer
      : jsonAnswer(answer.status, { ...error, Item: item }, answer.headers);
  }

  private async write(request: BufferedRequest, operation: string, forward: Forward) {
    const body = parse(request.body);
    const touched = this.touched(operation, body);
    const pass = () => forward(request);
    const oldItem = await this.oldItemKey(request, forward, operation, body);
    // Every write holds its tables' locks: a streamed write's before and after images, and a
    // failed condition's item, are read with no other write in between.
    const release = await this.lock(this.writtenTables(operation, body));
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
      if (answer.status !== 200) {
        return oldItem === undefined
          ? answer
          : await this.withOldItem(answer, oldItem, request, forward);
      }
      if (touched.length === 0) return answer;
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
