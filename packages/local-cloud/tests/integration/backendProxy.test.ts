import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendProxy, type ProxyInterceptor } from '../../src/backends/BackendProxy.js';
import { FaultSet } from '../../src/faults/FaultSet.js';

// A backend that runs in the runner's process (dynalite, aws-ses-v2-local) is reached by the
// proxy without a second HTTP exchange, unless something must see the request on its way.
// The proxy's forwarding target here is a closed port: an answer can only come in-process.
const CLOSED = 'http://127.0.0.1:1';
const running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((proxy) => proxy.close()));
});

/** Echoes the request's method, path and body, as a backend's handler would answer. */
const echoBackend = (): Server =>
  createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      res.writeHead(200, { 'content-type': 'application/json', 'x-backend': 'embedded' });
      res.end(JSON.stringify({ method: req.method, path: req.url, bytes: body.byteLength }));
    });
  });

const startProxy = async (faults: FaultSet, interceptor?: ProxyInterceptor) => {
  const proxy = new BackendProxy(CLOSED, faults, {
    embedded: echoBackend(),
    ...(interceptor === undefined ? {} : { interceptor }),
  });
  running.push(proxy);
  return proxy.listen(0, '127.0.0.1');
};

/** A DynamoDB call as the SDK signs it (the proxy tells the service by its signing name). */
const dynamodbCall = (endpoint: string, body: string) =>
  fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.GetItem',
      authorization:
        'AWS4-HMAC-SHA256 Credential=local/20261202/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    },
    body,
  });

describe('BackendProxy in front of an embedded backend', () => {
  it('hands a request no rule concerns to the backend in this process, body and all', async () => {
    // Prepare
    const endpoint = await startProxy(new FaultSet([]));
    const body = JSON.stringify({ TableName: 't', pad: 'x'.repeat(1 << 20) });

    // Act
    const answer = await dynamodbCall(endpoint, body);

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-backend')).toBe('embedded');
    expect(await answer.json()).toEqual({ method: 'POST', path: '/', bytes: body.length });
  });

  it('still applies a fault rule for the service instead of answering in-process', async () => {
    // Prepare
    const faults = new FaultSet([
      {
        id: 'throttle',
        service: 'dynamodb',
        error: { code: 'ThrottlingException', status: 400 },
      },
    ]);
    const endpoint = await startProxy(faults);

    // Act
    const answer = await dynamodbCall(endpoint, '{"TableName":"t"}');

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.headers.get('x-backend')).toBeNull();
    expect(JSON.stringify(await answer.json())).toContain('ThrottlingException');
  });

  it('answers in-process while the only rules concern another service', async () => {
    // Prepare
    const faults = new FaultSet([
      { id: 'ses-down', service: 'ses', error: { code: 'ServiceUnavailable', status: 503 } },
    ]);
    const endpoint = await startProxy(faults);

    // Act
    const answer = await dynamodbCall(endpoint, '{"TableName":"t"}');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-backend')).toBe('embedded');
  });

  it("injects what an interceptor forwards into the backend's handler", async () => {
    // Prepare: an interceptor that forwards a rewritten request and marks the answer
    const seen: string[] = [];
    const interceptor: ProxyInterceptor = {
      wants: () => true,
      async handle(request, forward) {
        seen.push(request.body.toString('utf8'));
        const body = Buffer.from('{"rewritten":true}');
        const answer = await forward({
          ...request,
          path: '/rewritten?x=1',
          headers: { ...request.headers, 'content-length': String(body.byteLength) },
          body,
        });
        return { ...answer, headers: { ...answer.headers, 'x-intercepted': 'yes' } };
      },
    };
    const endpoint = await startProxy(new FaultSet([]), interceptor);

    // Act
    const answer = await dynamodbCall(endpoint, '{"TableName":"t"}');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-backend')).toBe('embedded');
    expect(answer.headers.get('x-intercepted')).toBe('yes');
    expect(await answer.json()).toEqual({ method: 'POST', path: '/rewritten?x=1', bytes: 18 });
    expect(seen).toEqual(['{"TableName":"t"}']);
  });
});
