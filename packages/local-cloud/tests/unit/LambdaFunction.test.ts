import { getEventListeners } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { memoryLog } from '../../src/dev/log.js';
import { bootstrapCommand } from '../../src/lambda/bootstrapPath.js';
import { LambdaFunction } from '../../src/lambda/LambdaFunction.js';
import type { FunctionModel } from '../../src/provision/model.js';
import { eventually } from '../../src/testing.js';
import { functionModel } from '../support/functionModel.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/functions');
const running: LambdaFunction[] = [];

// Our bootstrap talks to the runner over a pipe; any other runtime client over the HTTP
// Runtime API: the same bootstrap without the pipe stands in for it.
let transport: 'pipe' | 'http' = 'pipe';
const runtime = () => {
  const command = bootstrapCommand();
  return transport === 'pipe'
    ? command
    : { ...command, runtimeCommand: { ...command.runtimeCommand, channel: false } };
};

const fixtureFunction = (overrides: Partial<FunctionModel> = {}, concurrency?: number) => {
  const log = memoryLog();
  const model = functionModel('EchoFunction', path.join(fixtures, 'echo'), {
    timeoutSeconds: 3,
    memoryMb: 256,
    environment: { GREETING: 'hello', AWS_REGION: 'eu-west-1' },
    ...overrides,
  });
  const fn = new LambdaFunction(model, {
    backendEnv: { AWS_REGION: 'us-east-1' },
    log,
    ...runtime(),
    ...(concurrency === undefined ? {} : { concurrency }),
  });
  running.push(fn);
  return { fn, log };
};

const payloadOf = (result: { payload?: string }) => JSON.parse(result.payload ?? 'null');

afterEach(async () => {
  await Promise.all(running.splice(0).map((fn) => fn.stop()));
});

describe.each(['pipe', 'http'] as const)('LambdaFunction (runtime over %s)', (mode) => {
  beforeAll(() => {
    transport = mode;
  });

  it('runs the handler with the standard context and the function environment', async () => {
    // Prepare
    const { fn } = fixtureFunction();

    // Act
    const result = await fn.invoke({ hello: 'world' });

    // Assess
    expect(result.ok).toBe(true);
    const payload = payloadOf(result);
    expect(payload.event).toEqual({ hello: 'world' });
    expect(payload.context).toMatchObject({
      awsRequestId: result.requestId,
      functionName: 'shop-local-EchoFunction',
      functionVersion: '$LATEST',
      memoryLimitInMB: '256',
      invokedFunctionArn: fn.model.arn,
      logGroupName: '/aws/lambda/shop-local-EchoFunction',
    });
    expect(payload.context.remaining).toBeGreaterThan(2000);
    expect(payload.context.remaining).toBeLessThanOrEqual(3000);
    expect(payload.env).toMatchObject({
      AWS_LAMBDA_FUNCTION_NAME: 'shop-local-EchoFunction',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      LAMBDA_TASK_ROOT: path.join(fixtures, 'echo'),
      _HANDLER: 'index.handler',
      TZ: ':UTC',
      GREETING: 'hello',
    });
    expect(payload.env.HOME).toBeUndefined();
    expect(payload.env.TRACE).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};/);
    expect(result.initDurationMs).toBeGreaterThan(0);
  });

  it('keeps the environment warm: module scope runs once across invocations', async () => {
    // Prepare
    const { fn } = fixtureFunction();

    // Act
    const first = payloadOf(await fn.invoke({}));
    const second = await fn.invoke({});

    // Assess
    expect(payloadOf(second).invocations).toBe(2);
    expect(payloadOf(second).loadedAt).toBe(first.loadedAt);
    expect(second.initDurationMs).toBeUndefined();
  });

  it('leaves no listener behind per invocation on the signal its runtime waits with', async () => {
    // Prepare: every abort signal the runner listens on while the runtime waits for work
    const { fn } = fixtureFunction();
    const signals = new Set<AbortSignal>();
    const addListener = EventTarget.prototype.addEventListener;
    const listen = vi.spyOn(EventTarget.prototype, 'addEventListener').mockImplementation(function (
      this: EventTarget,
      type,
      ...rest
    ) {
      if (type === 'abort' && this instanceof AbortSignal) signals.add(this);
      addListener.call(this, type, ...rest);
    });

    // Act
    try {
      for (let i = 0; i < 50; i++) await fn.invoke({ i });
    } finally {
      listen.mockRestore();
    }

    // Assess: one environment served 50 calls; at most the current wait listens
    expect(signals.size).toBeGreaterThan(0);
    const listeners = [...signals].map((signal) => getEventListeners(signal, 'abort').length);
    expect(Math.max(...listeners)).toBeLessThanOrEqual(1);
  });

  it('reports a thrown error with its type and message', async () => {
    // Prepare
    const { fn } = fixtureFunction();

    // Act
    const result = await fn.invoke({ fail: 'no stock' });

    // Assess
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ errorType: 'FixtureError', errorMessage: 'no stock' });
  });

  it('stops a handler that runs past its timeout and starts a fresh environment next time', async () => {
    // Prepare
    const { fn, log } = fixtureFunction({ timeoutSeconds: 1 });
    const before = payloadOf(await fn.invoke({}));

    // Act
    const timedOut = await fn.invoke({ sleepMs: 5000 });
    const after = await fn.invoke({});

    // Assess
    expect(timedOut.ok).toBe(false);
    expect(timedOut.error?.errorType).toBe('Sandbox.Timedout');
    expect(timedOut.error?.errorMessage).toContain('Task timed out after 1.00 seconds');
    expect(payloadOf(after).invocations).toBe(1);
    expect(payloadOf(after).loadedAt).not.toBe(before.loadedAt);
    expect(log.lines.some((line) => line.includes('Task timed out'))).toBe(true);
  });

  it('reports a process that exits mid-invocation as Runtime.ExitError and recovers', async () => {
    // Prepare
    const { fn } = fixtureFunction();

    // Act
    const crashed = await fn.invoke({ exit: 3 });
    const next = await fn.invoke({});

    // Assess
    expect(crashed.error?.errorType).toBe('Runtime.ExitError');
    expect(crashed.error?.errorMessage).toContain('exit status 3');
    expect(next.ok).toBe(true);
  });

  it('fails invocations with the init error when the module throws at import', async () => {
    // Prepare
    const { fn } = fixtureFunction({ codeDir: path.join(fixtures, 'syntax-error') });

    // Act
    const result = await fn.invoke({});

    // Assess
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({
      errorType: 'Runtime.ImportModuleError',
      errorMessage: 'configuration is missing',
    });
  });

  it('names a missing handler export and a missing code folder', async () => {
    // Prepare
    const missingExport = fixtureFunction({ handler: 'index.nothing' }).fn;
    const missingCode = fixtureFunction({ codeDir: path.join(fixtures, 'not-built') }).fn;

    // Act
    const [noExport, noCode] = await Promise.all([
      missingExport.invoke({}),
      missingCode.invoke({}),
    ]);

    // Assess
    expect(noExport.error?.errorType).toBe('Runtime.HandlerNotFound');
    expect(noCode.error?.errorMessage).toContain('run `pnpm build`');
  });

  it('tags every line the function logs with its name', async () => {
    // Prepare
    const { fn, log } = fixtureFunction();

    // Act
    const result = await fn.invoke({ log: 'line one\nline two' });

    // Assess
    const lines = log.lines.filter((line) => line.startsWith('EchoFunction'));
    expect(lines.some((line) => line.includes(`${result.requestId}\tINFO\tline one`))).toBe(true);
    expect(lines.some((line) => line.endsWith('| line two'))).toBe(true);
  });

  it('queues concurrent invocations on the one environment with concurrency 1', async () => {
    // Prepare
    const { fn } = fixtureFunction({}, 1);

    // Act
    const results = await Promise.all([1, 2, 3].map((n) => fn.invoke({ n, sleepMs: 50 })));

    // Assess
    expect(results.map((r) => payloadOf(r).invocations).sort()).toEqual([1, 2, 3]);
  });
});

describe('LambdaFunction (another runtime client over the HTTP Runtime API)', () => {
  /** A function whose runtime client is tests/fixtures/runtimes/drops-next.mjs. */
  const droppingFunction = (drop: 'next' | 'invocation', control: string) => {
    const log = memoryLog();
    const fn = new LambdaFunction(
      {
        logicalId: 'DropsNextFunction',
        name: 'shop-local-DropsNextFunction',
        arn: 'arn:aws:lambda:us-east-1:000000000000:function:shop-local-DropsNextFunction',
        codeDir: path.join(fixtures, 'echo'),
        handler: 'index.handler',
        runtime: 'provided.al2023',
        timeoutSeconds: 10,
        memoryMb: 128,
        architecture: 'arm64',
        environment: { RUNTIME_CONTROL_DIR: control, RUNTIME_DROP: drop },
        logGroupName: '/aws/lambda/shop-local-DropsNextFunction',
        logFormat: 'Text',
        async: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 },
      },
      {
        backendEnv: { AWS_REGION: 'us-east-1' },
        log,
        runtimeCommand: {
          command: process.execPath,
          args: [path.resolve(import.meta.dirname, '../fixtures/runtimes/drops-next.mjs')],
          channel: false,
        },
        runtimeDir: bootstrapCommand().runtimeDir,
        concurrency: 1,
      },
    );
    running.push(fn);
    return { fn, log };
  };

  it('does not count on a runtime that closed its next request, and serves it when it asks again', async () => {
    // Prepare: a runtime waiting for work closes its request (an HTTP client timeout)
    const control = mkdtempSync(path.join(tmpdir(), 'runtime-control-'));
    const { fn } = droppingFunction('next', control);
    const warm = await fn.invoke({ warm: true });
    await eventually(async () => (fn.counts().idle === 1 ? true : undefined), 'a wait for work');
    writeFileSync(path.join(control, 'drop'), '');
    await eventually(
      async () => (fn.counts().busy === 1 && fn.counts().idle === 0 ? true : undefined),
      'the runner to see the request closed',
    );

    // Act: an invocation while the runtime asks for nothing, then the runtime asks again
    const invoked = fn.invoke({ n: 1 });
    const queued = fn.counts().queued;
    writeFileSync(path.join(control, 'resume'), '');
    const result = await invoked;

    // Assess: it waited for the one environment, which answered it
    expect(payloadOf(warm)).toEqual({ warm: true });
    expect(queued).toBe(1);
    expect(result.ok).toBe(true);
    expect(payloadOf(result)).toEqual({ n: 1 });
  });

  it('gives a runtime that asks again with an invocation in flight the same invocation', async () => {
    // Prepare: the runtime loses the first invocation it is sent and asks for work again
    const control = mkdtempSync(path.join(tmpdir(), 'runtime-control-'));
    const { fn, log } = droppingFunction('invocation', control);

    // Act
    const result = await fn.invoke({ n: 2 });
    await eventually(
      async () => (log.lines.some((line) => line.includes('answered ')) ? true : undefined),
      "the runtime's output",
    );

    // Assess: answered on the second delivery, under the same request id, well before the
    // function's timeout
    expect(result.ok).toBe(true);
    expect(payloadOf(result)).toEqual({ n: 2 });
    expect(log.lines.filter((line) => /\b(dropped|answered) /.test(line))).toEqual([
      expect.stringContaining(`dropped ${result.requestId}`),
      expect.stringContaining(`answered ${result.requestId}`),
    ]);
    expect(result.durationMs).toBeLessThan(5_000);
  });
});
