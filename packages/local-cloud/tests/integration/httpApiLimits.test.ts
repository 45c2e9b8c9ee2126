import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpApiServer } from '../../src/triggers/http/HttpApiServer.js';
import {
  MAX_REQUEST_HEAD_BYTES,
  PARSER_MAX_HEADER_BYTES,
} from '../../src/triggers/http/requestLimits.js';

type ServerArgs = ConstructorParameters<typeof HttpApiServer>;

const quiet: ServerArgs[3] = {
  function: () => undefined,
  report: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

const invoke: ServerArgs[2] = async () => ({
  requestId: 'r-1',
  ok: true,
  durationMs: 1,
  payload: JSON.stringify({ statusCode: 200, body: 'ok' }),
});

const api: ServerArgs[0] = {
  logicalId: 'LimitsApi',
  apiId: 'limits',
  authorizers: new Map(),
  routes: [
    {
      routeKey: 'GET /items',
      method: 'GET',
      path: '/items',
      functionId: 'ItemsFunction',
      payloadFormatVersion: '2.0',
      timeoutMs: 5_000,
    },
  ],
};

const server = new HttpApiServer(
  api,
  { region: 'us-east-1', accountId: '000000000000' },
  invoke,
  quiet,
);
let base: URL;

beforeAll(async () => {
  base = new URL(await server.start(0));
});
afterAll(() => server.stop());

/** One request over a fresh connection; a reset rejects. */
const send = (path: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; body: string; contentType: string | undefined }>(
    (resolve, reject) => {
      const outgoing = request(
        { host: base.hostname, port: base.port, path, headers, agent: false },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              contentType: response.headers['content-type'],
            }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    },
  );

describe('HttpApiServer request limits', () => {
  it('serves a request whose line and headers fit the 10240-byte quota', async () => {
    const answer = await send(`/items?q=${'a'.repeat(8_000)}`);

    expect(answer).toMatchObject({ status: 200, body: 'ok' });
  });

  it('answers a query string over 16 KB with 414 and HTTP API JSON', async () => {
    const answer = await send(`/items?q=${'a'.repeat(17 * 1024)}`);

    expect(answer.status).toBe(414);
    expect(answer.contentType).toBe('application/json');
    expect(JSON.parse(answer.body)).toEqual({ message: 'Request-URI Too Long' });
  });

  it('answers a 100 KB path with 414 instead of resetting the connection', async () => {
    const answer = await send(`/${'p'.repeat(100 * 1024)}`);

    expect(answer.status).toBe(414);
    expect(JSON.parse(answer.body)).toEqual({ message: 'Request-URI Too Long' });
  });

  it('answers a 2 MB URL with 414 JSON too', async () => {
    const answer = await send(`/items?q=${'z'.repeat(2 * 1024 * 1024)}`);

    expect(answer.status).toBe(414);
    expect(JSON.parse(answer.body)).toEqual({ message: 'Request-URI Too Long' });
  });

  it('answers header values over the quota with 431 and HTTP API JSON', async () => {
    const answer = await send('/items', { 'x-big': 'h'.repeat(MAX_REQUEST_HEAD_BYTES) });

    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.body)).toEqual({ message: 'Request Header Fields Too Large' });
  });

  it('answers a head past even the parser limit with 431 JSON, not a bare status', async () => {
    const answer = await send('/items', { 'x-huge': 'h'.repeat(PARSER_MAX_HEADER_BYTES + 1) });

    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.body)).toEqual({ message: 'Request Header Fields Too Large' });
  });
});
