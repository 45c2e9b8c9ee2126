// Cold init: a fresh Node process imports a function's bundle and runs its module scope,
// median of N, interleaved with an empty handler module in the same rounds (background
// load hits both alike). Each function gets the environment Lambda would give it, so config
// validation and client construction run for real.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LocalCloud } from '@shop/local-cloud/cloud';
import { type FunctionModel, lambdaEnvironment } from '../lib/shopCloud.ts';
import { median, ratio, round } from '../lib/stats.ts';

const run = promisify(execFile);
const child = path.join(import.meta.dirname, '..', 'children', 'coldInitChild.mjs');

export interface ColdInitRow {
  id: string;
  logicalId: string;
  /** Process start to module scope done (median). */
  readyMs: number;
  /** The `import()` of the handler module alone (median). */
  importMs: number;
  /** CPU time (user + system) of the process until ready (median). */
  cpuMs: number;
  /** readyMs over the empty handler's readyMs. */
  ratio: number;
  /** readyMs minus the empty handler's: what this function's own init costs. */
  extraMs: number;
  rssMiB: number;
}

export interface ColdInitResult {
  runs: number;
  baseline: ColdInitRow;
  functions: ColdInitRow[];
}

export interface FreshTarget {
  id: string;
  logicalId: string;
  file: string;
  cwd: string;
  env: Record<string, string>;
}

export interface FreshSample {
  readyMs: number;
  importMs: number;
  cpuMs: number;
  rssMiB: number;
}

/**
 * How long one fresh process may take to import a bundle: 0.1-0.6 s normally, a few seconds
 * on a busy machine; a minute means it is stuck (module scope waiting on something).
 */
export const FRESH_TIMEOUT_MS = 60_000;

/**
 * One cold start in a fresh `node` process: import the bundle, report the times. Rejects,
 * naming the target, when the process fails or does not finish within `timeoutMs` (it is
 * then killed).
 */
export const measureFresh = async (
  target: FreshTarget,
  timeoutMs = FRESH_TIMEOUT_MS,
): Promise<FreshSample> => {
  try {
    const { stdout } = await run(process.execPath, [child, target.file], {
      cwd: target.cwd,
      env: target.env,
      maxBuffer: 1 << 20,
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    return JSON.parse(stdout) as FreshSample;
  } catch (error) {
    const failed = error as Error & { killed?: boolean; signal?: string | null; stderr?: string };
    if (failed.killed === true && failed.signal === 'SIGKILL') {
      throw new Error(
        `${target.id}: the fresh process did not finish within ${Number((timeoutMs / 1000).toFixed(1))} s`,
        { cause: error },
      );
    }
    const stderr = failed.stderr?.trim().slice(-500) ?? '';
    throw new Error(
      `${target.id}: the fresh process failed: ${failed.message}${stderr === '' ? '' : `: ${stderr}`}`,
      { cause: error },
    );
  }
};

/** `services/<svc>/dist/<fn>` -> `<svc>/<fn>`, the bundle id of bundleSizes. */
export const bundleId = (fn: FunctionModel): string =>
  `${path.basename(path.dirname(path.dirname(fn.codeDir)))}/${path.basename(fn.codeDir)}`;

export const measureColdInit = async (
  cloud: LocalCloud,
  runs: number,
  progress: (text: string) => void,
): Promise<ColdInitResult> => {
  const scratch = await mkdtemp(path.join(tmpdir(), 'shop-bench-empty-'));
  try {
    const emptyFile = path.join(scratch, 'index.mjs');
    await writeFile(emptyFile, 'export const handler = async () => ({});\n');
    const functions = [...cloud.model.functions.values()];
    const baselineEnv = lambdaEnvironment(
      { ...(functions[0] as FunctionModel), environment: {}, codeDir: scratch },
      cloud.backends.env,
    );
    const targets: FreshTarget[] = [
      { id: '(empty handler)', logicalId: '-', file: emptyFile, cwd: scratch, env: baselineEnv },
      ...functions.map((fn) => ({
        id: bundleId(fn),
        logicalId: fn.logicalId,
        file: path.join(fn.codeDir, 'index.mjs'),
        cwd: fn.codeDir,
        env: lambdaEnvironment(fn, cloud.backends.env),
      })),
    ];
    const samples = new Map<string, FreshSample[]>(targets.map((t) => [t.id, []]));
    // One unmeasured round warms the OS page cache, as a second cold start on Lambda would.
    for (const target of targets) await measureFresh(target);
    for (let round = 0; round < runs; round++) {
      progress(`cold init: round ${round + 1}/${runs}`);
      // Rotate the order every round, so no target always runs right after another.
      const shift = round % targets.length;
      for (const target of [...targets.slice(shift), ...targets.slice(0, shift)]) {
        samples.get(target.id)?.push(await measureFresh(target));
      }
    }
    const rows = targets.map((target) => {
      const list = samples.get(target.id) ?? [];
      return {
        id: target.id,
        logicalId: target.logicalId,
        readyMs: round(median(list.map((s) => s.readyMs))),
        importMs: round(median(list.map((s) => s.importMs))),
        cpuMs: round(median(list.map((s) => s.cpuMs))),
        ratio: 1,
        extraMs: 0,
        rssMiB: round(median(list.map((s) => s.rssMiB)), 1),
      };
    });
    const [baseline, ...rest] = rows as [ColdInitRow, ...ColdInitRow[]];
    for (const row of rest) {
      row.ratio = ratio(row.readyMs, baseline.readyMs);
      row.extraMs = round(row.readyMs - baseline.readyMs);
    }
    return { runs, baseline, functions: rest.sort((a, b) => a.id.localeCompare(b.id)) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
};
