import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import { type StreamStore, StreamsApiError } from './StreamStore.js';
import { keyOf, type WireItem } from './streamRecords.js';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const readBody = (message: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    message.on('data', (chunk: Buffer) => chunks.push(chunk));
    message.on('end', () => resolve(Buffer.concat(chunks)));
    message.on('error', reject);
  });

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
 * The one seam in front of the embedded DynamoDB (dynalite): an HTTP proxy on the DynamoDB
 * port. It passes every request through untouched, except that for tables created with a
 * StreamSpecification it serialises writes per table, reads the item (consistently) before
 * and after each successful write, and appends the change to the table's stream; it adds
 * the stream fields to CreateTable/DescribeTable answers, and it serves the DynamoDB Streams
 * API (`DynamoDBStreams_20120810.*`) from that log.
 */
export class DynamoDBStreamsProxy {
  private readonly target: URL;
  private readonly store: StreamStore;
  private readonly server: Server;
  private readonly locks = new Map<string, Promise<void>>();

  constructor(target: string, store: StreamStore) {
    this.target = new URL(target);
    this.store = store;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
  }

  /** Listen; resolves to the endpoint URL. */
  async listen(port: number, host: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, resolve);
    });
    return `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private forward(method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) {
    return new Promise<Answer>((resolve, reject) => {
      const outgoing = request(
        {
          host: this.target.hostname,
          port: this.target.port,
          method,
          path,
          headers: { ...headers, host: this.target.host },
        },
        (response) => {
          readBody(response)
            .then((data) =>
              resolve({
                status: response.statusCode ?? 500,
                headers: response.headers,
                body: data,
              }),
            )
            .catch(reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const [service, operation = ''] = target.split('.');
    let answer: Answer;
    if (service === 'DynamoDBStreams_20120810') {
      answer = this.streamsApi(operation, parse(body));
    } else if (service === 'DynamoDB_20120810' && WRITES.has(operation)) {
      answer = await this.write(req, operation, body);
    } else if (service === 'DynamoDB_20120810' && TABLE_OPERATIONS.has(operation)) {
      answer = await this.tableOperation(req, operation, body);
    } else {
      answer = await this.forward(req.method ?? 'POST', req.url ?? '/', req.headers, body);
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
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

  private async tableOperation(req: IncomingMessage, operation: string, raw: Buffer) {
    const body = parse(raw);
    const spec = isRecord(body.StreamSpecification) ? body.StreamSpecification : undefined;
    const enabling = spec?.StreamEnabled === true;
    if (enabling && typeof spec?.StreamViewType !== 'string') {
      return jsonAnswer(400, {
        __type: 'com.amazon.coral.validate#ValidationException',
        message: 'StreamSpecification: StreamViewType is required when StreamEnabled is true',
      });
    }
    const answer = await this.forward(req.method ?? 'POST', req.url ?? '/', req.headers, raw);
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

  private async getItem(req: IncomingMessage, table: string, key: WireItem) {
    const headers: IncomingHttpHeaders = {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.GetItem',
    };
    for (const name of ['authorization', 'x-amz-date', 'x-amz-security-token']) {
      if (req.headers[name] !== undefined) headers[name] = req.headers[name];
    }
    const body = Buffer.from(JSON.stringify({ TableName: table, Key: key, ConsistentRead: true }));
    headers['content-length'] = String(body.length);
    const answer = await this.forward('POST', '/', headers, body);
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

  private async write(req: IncomingMessage, operation: string, raw: Buffer): Promise<Answer> {
    const touched = this.touched(operation, parse(raw));
    const pass = () => this.forward(req.method ?? 'POST', req.url ?? '/', req.headers, raw);
    if (touched.length === 0) return pass();
    const release = await this.lock(touched.map((t) => t.table));
    try {
      let before: Array<WireItem | undefined>;
      try {
        before = await Promise.all(touched.map((t) => this.getItem(req, t.table, t.key)));
      } catch {
        // A key the backend rejects: the write fails the same way, and writes nothing.
        return await pass();
      }
      const answer = await pass();
      if (answer.status !== 200) return answer;
      const after = await Promise.all(touched.map((t) => this.getItem(req, t.table, t.key)));
      touched.forEach((t, i) => {
        this.store.capture(t.table, before[i], after[i]);
      });
      return answer;
    } finally {
      release();
    }
  }
}
