// API throughput of this checkout next to another checkout's (`--baseline <dir>`), in the
// same run: the other checkout's template.yaml and built bundles are booted by this
// checkout's local-cloud (so only the product differs, not the runner), on their own free
// ports, and the API section runs against each in turn, rounds interleaved (ABBA), with the
// queues drained after each, so both see the same machine.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LocalCloud } from '@shop/local-cloud/cloud';
import { repoRoot } from '../bundleSizes.ts';
import { drainQueues, startShop, stopShop } from '../lib/shopCloud.ts';
import { median, round } from '../lib/stats.ts';
import { type ApiOptions, type ApiRow, measureApi } from './apiThroughput.ts';

export interface ApiSide {
  /** Medians over the rounds. */
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  rounds: ApiRow[];
}

export interface ApiBaselineRow {
  route: string;
  current: ApiSide;
  baseline: ApiSide;
  /** current req/s / baseline req/s. */
  rpsRatio: number;
}

export interface ApiBaselineResult {
  baselineDir: string;
  /** `git describe` of the baseline checkout, and of this one. */
  baselineCommit: string;
  currentCommit: string;
  rounds: number;
  connections: number;
  durationSeconds: number;
  rows: ApiBaselineRow[];
}

const commitOf = (dir: string): string => {
  try {
    return execFileSync('git', ['-C', dir, 'log', '-1', '--format=%h %s'], { encoding: 'utf8' })
      .trim()
      .slice(0, 100);
  } catch {
    return 'unknown';
  }
};

const side = (rows: ApiRow[]): ApiSide => ({
  rps: round(median(rows.map((r) => r.rps))),
  p50: round(median(rows.map((r) => r.latency.p50))),
  p99: round(median(rows.map((r) => r.latency.p99))),
  requests: rows.reduce((sum, r) => sum + r.requests, 0),
  non2xx: rows.reduce((sum, r) => sum + r.non2xx, 0),
  errors: rows.reduce((sum, r) => sum + r.errors, 0),
  rounds: rows,
});

export const measureApiAgainstBaseline = async (
  current: LocalCloud,
  baselineDir: string,
  options: ApiOptions & { rounds: number; maxBatchingWindowSeconds?: number },
  progress: (text: string) => void,
): Promise<ApiBaselineResult> => {
  const templatePath = path.resolve(baselineDir, 'template.yaml');
  if (!existsSync(templatePath)) throw new Error(`--baseline: ${templatePath} does not exist`);
  progress(`api baseline: starting ${baselineDir} (log: results/local-cloud-baseline.log)`);
  const baseline = await startShop(options.maxBatchingWindowSeconds, {
    templatePath,
    stackName: 'shop-bench-baseline',
    logName: 'local-cloud-baseline.log',
  });
  const measured = { current: [] as ApiRow[], baseline: [] as ApiRow[] };
  try {
    for (let i = 0; i < options.rounds; i++) {
      // ABBA: baseline first in even rounds, current first in odd ones.
      const order =
        i % 2 === 0 ? (['baseline', 'current'] as const) : (['current', 'baseline'] as const);
      for (const name of order) {
        const cloud = name === 'current' ? current : baseline;
        progress(`api baseline: round ${i + 1}/${options.rounds}, ${name}`);
        measured[name].push(...(await measureApi(cloud, options, progress)));
        await drainQueues(cloud);
      }
    }
  } finally {
    await stopShop(baseline);
  }
  const routes = [...new Set(measured.current.map((r) => r.route))];
  return {
    baselineDir,
    baselineCommit: commitOf(baselineDir),
    currentCommit: commitOf(repoRoot),
    rounds: options.rounds,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    rows: routes.map((route) => {
      const c = side(measured.current.filter((r) => r.route === route));
      const b = side(measured.baseline.filter((r) => r.route === route));
      return { route, current: c, baseline: b, rpsRatio: round(c.rps / b.rps) };
    }),
  };
};
