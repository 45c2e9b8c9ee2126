import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';

// A real HTTP server on 127.0.0.1 stands in for AWS: it stalls, answers late, or records where
// requests went. Elapsed-time bounds are loose (correctness, not speed): 2 busy cores must pass.

export interface LocalServer {
  url: string;
  requests: IncomingMessage[];
}

const servers: Server[] = [];

export const startServer = async (
  respond: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<LocalServer> => {
  const requests: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    requests.push(request);
    request.resume();
    respond(request, response);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
};

/** Accepts every request and never answers. */
export const stallingServer = () => startServer(() => {});

/** Close every server started by this test file (call in afterEach). */
export const closeServers = () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
};

/** Credentials and region for a client of a local server. */
export const LOCAL = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
} as const;

/** The parts of a Lambda context the wrappers read (@shop/testing has the full one). */
export const invocationContext = (functionName = 'shop-Fn', timeoutMs = 30_000): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '128',
    awsRequestId: crypto.randomUUID(),
    getRemainingTimeInMillis: () => deadline - Date.now(),
  } as Context;
};
