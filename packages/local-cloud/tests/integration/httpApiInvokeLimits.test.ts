import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLog } from '../../src/dev/log.js';
import { bootstrapCommand } from '../../src/lambda/bootstrapPath.js';
import { LambdaFunction } from '../../src/lambda/LambdaFunction.js';
import { HttpApiServer } from '../../src/triggers/http/HttpApiServer.js';

// An HTTP API in front of a real function: the request limits of Lambda (6 MB event) and of
// HTTP API (10 MB body) answered as HTTP API answers them.
const fixtures = path.resolve(import.meta.dirname, '../fixtures/functions');
const log = memoryLog();
const fn = new LambdaFunction(
  {
    logicalId: 'ItemsFunction',
    name: 'shop-local-ItemsFunction',
    arn: 'arn:aws:lambda:us-east-1:000000000000:function:shop-local-ItemsFunction',
    codeDir: path.join(fixtures, 'sleeper'),
    handler: 'index.handler',
    runtime: 'nodejs24.x',
    timeoutSeconds: 10,
    memoryMb: 128,
    architecture: 'arm64',
    environment: {},
    logGroupName: '/aws/lambda/shop-local-ItemsFunction',
    logFormat: 'Text',
    async: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600 },
  },
  { backendEnv: { AWS_REGION: 'us-east-1' }, log, ...bootstrapCommand() },
);
const server = new HttpApiServer(
  {
    logicalId: 'ItemsApi',
    apiId: 'items',
    authorizers: new Map(),
    routes: [
      {
        routeKey: 'POST /items',
        method: 'POST',
        path: '/items',
        functionId: 'ItemsFunction',
        payloadFormatVersion: '2.0',
        timeoutMs: 20_000,
      },
    ],
  },
  { region: 'us-east-1', accountId: '000000000000' },
  (_id, event) => fn.invoke(event),
  log,
);
let base: string;

beforeAll(async () => {
  base = await server.start(0);
});
afterAll(async () => {
  await server.stop();
  await fn.stop();
});

const post = async (bytes: number) => {
  const response = await fetch(`${base}/items`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: 'x'.repeat(bytes),
  });
  return { status: response.status, body: await response.json() };
};

describe('HttpApiServer with a payload Lambda or HTTP API refuses', () => {
  it('answers 500 when Lambda refuses the event (over 6 MB) and 413 past the 10 MB body limit', async () => {
    // Act
    const small = await post(1_000);
    const overLambda = await post(7 * 1024 * 1024);
    const overApi = await post(10 * 1024 * 1024 + 1);

    // Assess
    expect(small.status).toBe(200);
    expect(overLambda).toEqual({ status: 500, body: { message: 'Internal Server Error' } });
    expect(overApi).toEqual({ status: 413, body: { message: 'Request Entity Too Large' } });
    expect(small.body).toMatchObject({ invocations: 1 });
  });
});
