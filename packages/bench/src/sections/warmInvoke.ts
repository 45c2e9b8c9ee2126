// Warm invocations: each function through local-cloud's runner (its own child process,
// driven over the Lambda Runtime API) versus the same bundle's handler called in-process
// (a child with the same environment, no Runtime API). Same events, rounds interleaved, both
// warmed up first; the ratio of the p50s is the runner's overhead.
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import type { LocalCloud } from '@shop/local-cloud/cloud';
import { childReply } from '../lib/childReply.ts';
import { prepareScenarios, type Scenario } from '../lib/scenarios.ts';
import { lambdaEnvironment } from '../lib/shopCloud.ts';
import { type Latency, latency, ratio, round } from '../lib/stats.ts';
import { bundleId } from './coldInit.ts';

const child = path.join(import.meta.dirname, '..', 'children', 'warmChild.mjs');

export interface WarmRow {
  id: string;
  logicalId: string;
  event: string;
  runner: Latency;
  direct: Latency;
  /** runner p50 / direct p50. */
  ratio: number;
  /** runner p50 - direct p50: what one trip through the runner adds. */
  overheadMs: number;
  /** Calls whose result was not the expected success (should be 0). */
  failures: number;
  firstFailure?: string;
}

interface CallResult {
  ok: boolean;
  payload?: string;
  error?: string;
}

export type Reply = { latenciesMs: number[]; results: CallResult[] };

/** What an in-process child was started as: for its errors and how long it may take. */
interface DirectChild {
  name: string;
  /** The function's Timeout: no call of it may take longer on Lambda. */
  callTimeoutMs: number;
  /** The tail of its stderr. */
  stderr: () => string;
}
const directChildren = new WeakMap<ChildProcess, DirectChild>();

/** A child that was not started by {@link startDirect} (tests): Lambda's default Timeout. */
const unknownChild = (proc: ChildProcess): DirectChild => ({
  name: `in-process child ${proc.pid}`,
  callTimeoutMs: 30_000,
  stderr: () => '',
});

/**
 * Margin on top of what a child may need: a busy machine (load 15 on two cores) slows it
 * down several times, and a slow child is still better than a false failure.
 */
export const REPLY_MARGIN_MS = 60_000;

/** Module scope of a bundle: ~0.1-0.6 s; minutes mean it is stuck. */
const START_TIMEOUT_MS = 120_000;

/** The child, its errors and time limits, as {@link startDirect} recorded them. */
export const directChild = (proc: ChildProcess): DirectChild =>
  directChildren.get(proc) ?? unknownChild(proc);

export const startDirect = async (cloud: LocalCloud, logicalId: string): Promise<ChildProcess> => {
  const fn = cloud.model.functions.get(logicalId);
  if (fn === undefined) throw new Error(`no function ${logicalId}`);
  const proc = fork(child, [path.join(fn.codeDir, 'index.mjs'), String(fn.timeoutSeconds)], {
    cwd: fn.codeDir,
    env: lambdaEnvironment(fn, cloud.backends.env),
    // Node's flags as the runner starts the function's environments (Lambda's heap and GC,
    // V8's tier-up counts scaled to its environments): the same flags on both sides.
    execArgv: [...cloud.functions.get(logicalId).nodeArgs],
    // Output is read and dropped, as the runner reads and logs its functions' output.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  proc.stdout?.resume();
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const info: DirectChild = {
    name: `${logicalId}: in-process child`,
    callTimeoutMs: fn.timeoutSeconds * 1000,
    stderr: () => stderr,
  };
  directChildren.set(proc, info);
  try {
    // It says "ready" once the bundle is imported.
    await childReply(proc, undefined, {
      name: info.name,
      timeoutMs: START_TIMEOUT_MS,
      detail: info.stderr,
    });
  } catch (error) {
    proc.kill('SIGKILL');
    throw error;
  }
  return proc;
};

/**
 * Call the handler of an in-process child once per event, one after the other; the child
 * times each call. Rejects, naming the child, if it exits or takes longer than every call
 * running into the function's Timeout (plus {@link REPLY_MARGIN_MS}).
 */
export const direct = (proc: ChildProcess, events: unknown[]): Promise<Reply> => {
  const info = directChild(proc);
  return childReply<Reply>(
    proc,
    { events },
    {
      name: info.name,
      timeoutMs: events.length * info.callTimeoutMs + REPLY_MARGIN_MS,
      detail: info.stderr,
    },
  );
};

const viaRunner = async (cloud: LocalCloud, logicalId: string, events: unknown[]) => {
  const reply: Reply = { latenciesMs: [], results: [] };
  const fn = cloud.functions.get(logicalId);
  for (const event of events) {
    const started = performance.now();
    const result = await fn.invoke(event);
    reply.latenciesMs.push(performance.now() - started);
    reply.results.push(
      result.ok
        ? { ok: true, payload: result.payload ?? 'null' }
        : { ok: false, error: `${result.error?.errorType}: ${result.error?.errorMessage}` },
    );
  }
  return reply;
};

const failureOf = async (scenario: Scenario, result: CallResult): Promise<string | undefined> =>
  result.ok ? await scenario.check(JSON.parse(result.payload ?? 'null')) : result.error;

export const measureWarm = async (
  cloud: LocalCloud,
  rounds: number,
  progress: (text: string) => void,
): Promise<WarmRow[]> => {
  const scenarios = await prepareScenarios(cloud);
  const rows: WarmRow[] = [];
  for (const scenario of scenarios) {
    const { logicalId } = scenario;
    const fn = cloud.model.functions.get(logicalId);
    if (fn === undefined) throw new Error(`template.yaml has no ${logicalId}`);
    progress(`warm: ${logicalId}`);
    const proc = await startDirect(cloud, logicalId);
    try {
      /**
       * `count` calls of one side from call number `from`: the events made up front and sent
       * as one batch or, for a scenario that prepares each call, one at a time, preparation
       * before and check after, both outside the timing. Latencies, and why calls failed.
       */
      const calls = async (side: 'runner' | 'direct', from: number, count: number) => {
        const send = (events: unknown[]) =>
          side === 'runner' ? viaRunner(cloud, logicalId, events) : direct(proc, events);
        const latenciesMs: number[] = [];
        const failures: string[] = [];
        const record = async (reply: Reply) => {
          latenciesMs.push(...reply.latenciesMs);
          for (const result of reply.results) {
            const failure = await failureOf(scenario, result);
            if (failure !== undefined) failures.push(`${side}: ${failure}`);
          }
        };
        if (scenario.prepare === undefined) {
          await record(
            await send(Array.from({ length: count }, (_, i) => scenario.make(side, from + i))),
          );
        } else {
          for (let i = from; i < from + count; i++) {
            await scenario.prepare();
            await record(await send([scenario.make(side, i)]));
          }
        }
        return { latenciesMs, failures };
      };
      // Warm-up: the runner's first call is its cold start; JIT and connection pools settle.
      await calls('runner', 0, 5);
      await calls('direct', 0, 5);
      const samples = { runner: [] as number[], direct: [] as number[] };
      const failures: string[] = [];
      for (let r = 0; r < rounds; r++) {
        const from = 5 + r * scenario.perRound;
        const sides =
          r % 2 === 0 ? (['runner', 'direct'] as const) : (['direct', 'runner'] as const);
        for (const side of sides) {
          const done = await calls(side, from, scenario.perRound);
          samples[side].push(...done.latenciesMs);
          failures.push(...done.failures);
        }
      }
      const runner = latency(samples.runner);
      const inProcess = latency(samples.direct);
      rows.push({
        id: bundleId(fn),
        logicalId,
        event: scenario.event,
        runner,
        direct: inProcess,
        ratio: ratio(runner.p50, inProcess.p50),
        overheadMs: round(runner.p50 - inProcess.p50),
        failures: failures.length,
        ...(failures[0] === undefined ? {} : { firstFailure: failures[0].slice(0, 300) }),
      });
    } finally {
      proc.kill();
    }
  }
  return rows.sort((a, b) => a.id.localeCompare(b.id));
};
