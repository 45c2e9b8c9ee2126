import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type RuntimeApiDelegate,
  RuntimeApiServer,
  type RuntimeInvocation,
} from '../../src/lambda/RuntimeApiServer.js';
import { eventually } from '../../src/testing.js';

const servers: RuntimeApiServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

const invocation: RuntimeInvocation = {
  requestId: 'req-1',
  payload: '{"n":1}',
  deadlineMs: Date.now() + 60_000,
  functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
  traceId: 'Root=1-00000000-000000000000000000000000;Sampled=0',
};

describe('RuntimeApiServer', () => {
  it('hands back an invocation it could not send because the runtime closed its next request', async () => {
    // Prepare: a delegate whose invocation comes only after the runtime has hung up
    let answer: (value: RuntimeInvocation) => void = () => undefined;
    let asked = false;
    let aborted = false;
    const undelivered: RuntimeInvocation[] = [];
    const delegate: RuntimeApiDelegate = {
      next: (signal) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
          });
          answer = resolve;
          asked = true;
        }),
      undelivered: (value) => undelivered.push(value),
      response: () => 'ok',
      error: () => 'ok',
      initError: () => undefined,
    };
    const server = new RuntimeApiServer(delegate);
    servers.push(server);
    const hostPort = await server.start();
    const next = request(`http://${hostPort}/2018-06-01/runtime/invocation/next`);
    next.on('error', () => undefined);
    next.end();
    await eventually(async () => (asked ? true : undefined), 'the next request');

    // Act
    next.destroy();
    await eventually(async () => (aborted ? true : undefined), 'the server to see it closed');
    answer(invocation);

    // Assess
    await eventually(async () => (undelivered.length > 0 ? true : undefined), 'the hand-back');
    expect(undelivered).toEqual([invocation]);
  });
});
