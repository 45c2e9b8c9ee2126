import path from 'node:path';
import type { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BackendClients } from '../../src/clients.js';
import { memoryLog } from '../../src/dev/log.js';
import { bootstrapCommand } from '../../src/lambda/bootstrapPath.js';
import { FunctionPool } from '../../src/lambda/FunctionPool.js';
import { LambdaFunction } from '../../src/lambda/LambdaFunction.js';
import type { InvokeResult, LambdaFunctionOptions } from '../../src/lambda/types.js';
import type { FunctionModel, LocalStackModel } from '../../src/provision/model.js';
import { functionModel } from '../support/functionModel.js';

// Child processes (one per environment), no backends: these sit with the integration tests.
const fixtures = path.resolve(import.meta.dirname, '../fixtures/functions');
const running: LambdaFunction[] = [];

const sleeperModel = (overrides: Partial<FunctionModel> = {}): FunctionModel =>
  functionModel('SleeperFunction', path.join(fixtures, 'sleeper'), overrides);

const sleeper = (
  options: Partial<Pick<LambdaFunctionOptions, 'concurrency' | 'idleTimeoutMs' | 'v8Tiering'>> = {},
  overrides: Partial<FunctionModel> = {},
) => {
  const log = memoryLog();
  const model = sleeperModel(overrides);
  const fn = new LambdaFunction(model, {
    backendEnv: { AWS_REGION: 'us-east-1' },
    log,
    ...bootstrapCommand(),
    ...options,
  });
  running.push(fn);
  return { fn, log };
};

interface Ran {
  pid: number;
  invocations: number;
}
const ran = (result: InvokeResult): Ran => {
  expect(result.error).toBeUndefined();
  return JSON.parse(result.payload ?? 'null') as Ran;
};
const burst = (fn: LambdaFunction, count: number, sleepMs: number) =>
  Promise.all(Array.from({ length: count }, () => fn.invoke({ sleepMs })));
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const pools: FunctionPool[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((fn) => fn.stop()));
  await Promise.all(pools.splice(0).map((pool) => pool.stop()));
});

describe('LambdaFunction concurrency', () => {
  it('runs concurrent invocations in parallel, one environment each', async () => {
    // Prepare: ten environments, started by a first burst (their cold starts).
    const { fn } = sleeper();
    await burst(fn, 10, 300);

    // Act
    const started = performance.now();
    const results = await burst(fn, 10, 300);
    const elapsedMs = performance.now() - started;

    // Assess: serial would take 10 x 300 ms.
    const pids = new Set(results.map((result) => ran(result).pid));
    expect(pids.size).toBeGreaterThan(1);
    expect(pids.size).toBeLessThanOrEqual(10);
    expect(elapsedMs).toBeLessThan(5 * 300);
    await vi.waitFor(() => expect(fn.counts()).toMatchObject({ busy: 0, queued: 0 }));
  });

  it('keeps a caller that invokes as soon as it has its answer on one environment', async () => {
    // Prepare
    const { fn } = sleeper();

    // Act
    const results: Ran[] = [];
    for (let i = 0; i < 20; i++) results.push(ran(await fn.invoke({})));

    // Assess
    expect(new Set(results.map((r) => r.pid)).size).toBe(1);
    expect(results.at(-1)?.invocations).toBe(20);
  });

  it('serialises invocations on one environment with concurrency 1', async () => {
    // Prepare
    const { fn } = sleeper({ concurrency: 1 });

    // Act
    const started = performance.now();
    const results = (await burst(fn, 3, 150)).map(ran);
    const elapsedMs = performance.now() - started;

    // Assess
    expect(new Set(results.map((r) => r.pid)).size).toBe(1);
    expect(results.map((r) => r.invocations).sort()).toEqual([1, 2, 3]);
    expect(elapsedMs).toBeGreaterThanOrEqual(3 * 150);
  });

  it('starts no more environments than ReservedConcurrentExecutions allows', async () => {
    // Prepare
    const { fn } = sleeper({ concurrency: 10 }, { reservedConcurrency: 2 });

    // Act
    const pending = burst(fn, 6, 100);
    const busiest = fn.counts();
    const results = (await pending).map(ran);

    // Assess
    expect(fn.concurrency).toBe(2);
    expect(busiest.starting + busiest.idle + busiest.busy).toBe(2);
    expect(new Set(results.map((r) => r.pid)).size).toBeLessThanOrEqual(2);
    expect(Math.max(...results.map((r) => r.invocations))).toBeGreaterThanOrEqual(3);
  });

  it('throttles every invocation when ReservedConcurrentExecutions is 0', async () => {
    // Prepare
    const { fn } = sleeper({}, { reservedConcurrency: 0 });

    // Act
    const result = await fn.invoke({});

    // Assess
    expect(result.ok).toBe(false);
    expect(result.error?.errorType).toBe('TooManyRequestsException');
  });

  it('reuses the most recently used idle environment', async () => {
    // Prepare: A is busy while B starts and answers, then A finishes last.
    const { fn } = sleeper();
    const slow = fn.invoke({ sleepMs: 2000 });
    await vi.waitFor(() => expect(fn.counts().busy).toBe(1));
    const pidB = ran(await fn.invoke({})).pid;
    const pidA = ran(await slow).pid;
    await vi.waitFor(() => expect(fn.counts().idle).toBe(2));

    // Act
    const next = ran(await fn.invoke({}));

    // Assess
    expect(pidA).not.toBe(pidB);
    expect(next.pid).toBe(pidA);
  });

  it('stops an environment that stays idle, and cold-starts the next invocation', async () => {
    // Prepare
    const { fn } = sleeper({ idleTimeoutMs: 200 });
    const first = ran(await fn.invoke({}));

    // Act
    await vi.waitFor(() => expect(isAlive(first.pid)).toBe(false), { timeout: 10_000 });
    const again = await fn.invoke({});

    // Assess
    expect(ran(again).pid).not.toBe(first.pid);
    expect(again.initDurationMs).toBeGreaterThan(0);
  });

  it('replaces an environment whose process crashed and never reuses it', async () => {
    // Prepare
    const { fn } = sleeper({ concurrency: 1 });
    const before = ran(await fn.invoke({}));

    // Act
    const crashed = await fn.invoke({ exit: 3 });
    const after = await fn.invoke({});

    // Assess
    expect(crashed.error?.errorType).toBe('Runtime.ExitError');
    expect(ran(after).pid).not.toBe(before.pid);
    expect(ran(after).invocations).toBe(1);
    expect(after.initDurationMs).toBeGreaterThan(0);
  });

  it('reports Init Duration once per environment, on its first invocation', async () => {
    // Prepare
    const { fn, log } = sleeper({ concurrency: 3 });

    // Act
    const results = [...(await burst(fn, 3, 200)), ...(await burst(fn, 3, 200))];

    // Assess
    const byPid = new Map<number, InvokeResult[]>();
    for (const result of results) {
      const { pid } = ran(result);
      byPid.set(pid, [...(byPid.get(pid) ?? []), result]);
    }
    for (const [, own] of byPid) {
      expect(own.filter((r) => r.initDurationMs !== undefined)).toHaveLength(1);
    }
    const reports = log.lines.filter((line) => line.includes('REPORT RequestId'));
    expect(reports).toHaveLength(6);
    expect(reports.filter((line) => line.includes('Init Duration'))).toHaveLength(byPid.size);
  });

  it('starts Node as Lambda does: heap from MemorySize, gc exposed, 80 KiB headers', async () => {
    // Prepare
    const { fn } = sleeper({}, { memoryMb: 512 });

    // Act
    const result = await fn.invoke({ node: true });

    // Assess: 512 MB gives a 51 MB young generation (25 MB semi-spaces) and 461 MB of old.
    expect(result.error).toBeUndefined();
    const node = JSON.parse(result.payload ?? 'null') as {
      execArgv: string[];
      gc: string;
      maxHeaderSize: number;
      heapLimitMb: number;
    };
    expect(node.execArgv).toEqual(
      expect.arrayContaining(['--max-semi-space-size=25', '--max-old-space-size=461']),
    );
    expect(node.gc).toBe('function');
    expect(node.maxHeaderSize).toBe(81_920);
    expect(node.heapLimitMb).toBeGreaterThanOrEqual(461);
    expect(node.heapLimitMb).toBeLessThan(640);
  });

  it.each([
    [{}, 10, ['--invocation-count-for-turbofan=300', '--invocation-count-for-maglev=40']],
    [{ concurrency: 4 }, 4, ['--invocation-count-for-turbofan=750']],
    [{ concurrency: 1 }, 1, []],
    [{ v8Tiering: 'lambda' as const }, 10, []],
  ])(
    'starts Node with V8’s tier-up counts divided by its environments (%o)',
    async (options, environments, tiering) => {
      // Prepare
      const { fn } = sleeper(options, { memoryMb: 512 });

      // Act
      const result = await fn.invoke({ node: true });

      // Assess: what the process was started with, not only what the function says it uses.
      expect(fn.concurrency).toBe(environments);
      const { execArgv } = JSON.parse(result.payload ?? 'null') as { execArgv: string[] };
      expect(execArgv).toEqual([...fn.nodeArgs]);
      expect(execArgv).toEqual(expect.arrayContaining([...tiering, '--max-old-space-size=461']));
      const tieringFlags = execArgv.filter((flag) => /invocation/.test(flag));
      expect(tieringFlags).toHaveLength(tiering.length === 0 ? 0 : 3);
    },
  );

  it('retires every environment on restart, a busy one after its invocation', async () => {
    // Prepare: two environments, then one of them busy.
    const { fn } = sleeper();
    const before = (await burst(fn, 2, 100)).map((result) => ran(result).pid);
    const inFlight = fn.invoke({ sleepMs: 300 });
    await vi.waitFor(() => expect(fn.counts().busy).toBe(1));

    // Act
    fn.restart();
    const finished = await inFlight;
    const next = await fn.invoke({});

    // Assess
    expect(before).toContain(ran(finished).pid);
    expect(before).not.toContain(ran(next).pid);
    expect(next.initDurationMs).toBeGreaterThan(0);
    await vi.waitFor(() => expect(before.filter(isAlive)).toEqual([]));
  });

  it('retries an event throttled by a busy environment until it frees, without using a retry attempt; past its maximum age it gives up', async () => {
    // Prepare: one environment, no retries, events expire after 3 s
    const model = sleeperModel({
      reservedConcurrency: 1,
      async: {
        maximumRetryAttempts: 0,
        maximumEventAgeSeconds: 3,
        onSuccess: { kind: 'queue', resourceId: 'Done' },
        onFailure: { kind: 'queue', resourceId: 'Failed' },
      },
    });
    const send = vi.fn(async (_command: SendMessageCommand) => ({}));
    const pool = new FunctionPool(
      {
        functions: new Map([[model.logicalId, model]]),
        queues: new Map([
          ['Done', { url: 'http://sqs/000000000000/done' }],
          ['Failed', { url: 'http://sqs/000000000000/failed' }],
        ]),
      } as unknown as LocalStackModel,
      { sqs: { send } } as unknown as BackendClients,
      { backendEnv: { AWS_REGION: 'us-east-1' }, log: memoryLog(), ...bootstrapCommand() },
    );
    pools.push(pool);
    const fn = pool.get(model.logicalId);
    const records = (queue: string) =>
      send.mock.calls
        .map(([command]) => command.input)
        .filter((input) => input.QueueUrl?.endsWith(`/${queue}`))
        .map((input) => JSON.parse(input.MessageBody ?? 'null'));

    // Act: an event while the environment is busy for a moment, then one while it is busy
    // for longer than the event may wait
    const busy = { timeout: 10_000, interval: 10 };
    const shortly = pool.invoke(model.logicalId, { sleepMs: 300 });
    await vi.waitFor(() => expect(fn.counts().busy).toBe(1), busy);
    pool.invokeAsync(model.logicalId, { event: 'a' });
    ran(await shortly);
    await vi.waitFor(() => expect(records('done')).toHaveLength(1), { timeout: 10_000 });
    const long = pool.invoke(model.logicalId, { sleepMs: 5_000 });
    await vi.waitFor(() => expect(fn.counts().busy).toBe(1), busy);
    pool.invokeAsync(model.logicalId, { event: 'b' });
    await vi.waitFor(() => expect(records('failed')).toHaveLength(1), { timeout: 10_000 });
    const last = ran(await long);

    // Assess
    expect(records('done')).toEqual([
      expect.objectContaining({
        requestContext: expect.objectContaining({
          condition: 'Success',
          approximateInvokeCount: 1,
        }),
        requestPayload: { event: 'a' },
      }),
    ]);
    expect(records('failed')).toEqual([
      expect.objectContaining({
        requestContext: expect.objectContaining({
          condition: 'EventAgeExceeded',
          approximateInvokeCount: 0,
        }),
        requestPayload: { event: 'b' },
      }),
    ]);
    expect(last.invocations).toBe(3);
  });
});
