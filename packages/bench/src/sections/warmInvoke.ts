// Warm invocations: each function through local-cloud's runner (its own child process,
// driven over the Lambda Runtime API) versus the same bundle's handler called in-process
// (a child with the same environment, no Runtime API). Same events, rounds interleaved, both
// warmed up first; the ratio of the p50s is the runner's overhead.
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { type LocalCloud, lambdaNodeArgs } from '@shop/local-cloud/cloud';
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

export const startDirect = (cloud: LocalCloud, logicalId: string) =>
  new Promise<ChildProcess>((resolve, reject) => {
    const fn = cloud.model.functions.get(logicalId);
    if (fn === undefined) throw new Error(`no function ${logicalId}`);
    const proc = fork(child, [path.join(fn.codeDir, 'index.mjs'), String(fn.timeoutSeconds)], {
      cwd: fn.codeDir,
      env: lambdaEnvironment(fn, cloud.backends.env),
      // Node's flags as Lambda (and the runner) start it: same heap, same GC, both sides.
      execArgv: lambdaNodeArgs(fn.memoryMb),
      // Output is read and dropped, as the runner reads and logs its functions' output.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let stderr = '';
    proc.stdout?.resume();
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    proc.once('message', () => resolve(proc));
    proc.once('exit', (code) =>
      reject(new Error(`${logicalId}: in-process child exited (${code}): ${stderr}`)),
    );
  });

export const direct = (proc: ChildProcess, events: unknown[]) =>
  new Promise<Reply>((resolve) => {
    proc.once('message', (reply) => resolve(reply as Reply));
    proc.send({ events });
  });

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

const failureOf = (scenario: Scenario, result: CallResult): string | undefined =>
  result.ok ? scenario.check(JSON.parse(result.payload ?? 'null')) : result.error;

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
      const batch = (side: string, from: number, count: number) =>
        Array.from({ length: count }, (_, i) => scenario.make(side, from + i));
      // Warm-up: the runner's first call is its cold start; JIT and connection pools settle.
      await viaRunner(cloud, logicalId, batch('runner', 0, 5));
      await direct(proc, batch('direct', 0, 5));
      const samples = { runner: [] as number[], direct: [] as number[] };
      const failures: string[] = [];
      for (let r = 0; r < rounds; r++) {
        const from = 5 + r * scenario.perRound;
        const sides =
          r % 2 === 0 ? (['runner', 'direct'] as const) : (['direct', 'runner'] as const);
        for (const side of sides) {
          const events = batch(side, from, scenario.perRound);
          const reply =
            side === 'runner'
              ? await viaRunner(cloud, logicalId, events)
              : await direct(proc, events);
          samples[side].push(...reply.latenciesMs);
          for (const result of reply.results) {
            const failure = failureOf(scenario, result);
            if (failure !== undefined) failures.push(`${side}: ${failure}`);
          }
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
