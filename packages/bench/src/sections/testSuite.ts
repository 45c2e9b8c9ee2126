// Test suite wall time: `turbo run test` with the cache bypassed (--force: every package's
// tests run) and then again from turbo's cache, as `pnpm test` runs it. Slow: opt-in.
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../bundleSizes.ts';
import { resultsDir } from '../lib/shopCloud.ts';
import { round } from '../lib/stats.ts';

export interface SuiteResult {
  coldMs: number;
  cachedMs: number;
  coldExitCode: number;
  cachedExitCode: number;
}

const timed = (args: string[], logName: string) =>
  new Promise<{ ms: number; code: number }>((resolve, reject) => {
    const log = openSync(path.join(resultsDir, logName), 'w');
    const started = performance.now();
    const child = spawn('pnpm', ['exec', 'turbo', ...args], {
      cwd: repoRoot,
      stdio: ['ignore', log, log],
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      resolve({ ms: round(performance.now() - started, 0), code: code ?? 1 }),
    );
  });

export const measureSuite = async (progress: (text: string) => void): Promise<SuiteResult> => {
  progress('test suite: turbo run test --force (cold, every package)');
  const cold = await timed(['run', 'test', '--force'], 'test-suite-cold.log');
  progress('test suite: turbo run test (cached)');
  const cached = await timed(['run', 'test'], 'test-suite-cached.log');
  return {
    coldMs: cold.ms,
    cachedMs: cached.ms,
    coldExitCode: cold.code,
    cachedExitCode: cached.code,
  };
};
