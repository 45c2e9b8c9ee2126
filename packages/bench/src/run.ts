// `pnpm bench`: what users of the shop feel, measured side by side with a baseline in the
// same run (absolute times on shared machines are noisy). Prints Markdown tables and writes
// packages/bench/results/latest.json. Needs built bundles (`pnpm build`).
//
// Usage: node --import @shop/tooling/ts-resolve src/run.ts [--only a,b] [--suite] [--runs N] ...
//   sections: bundles, cold, ric, warm, e2e, api, thumbnails (default: all), suite (--suite),
//     variants (bundler settings and Tracer side by side; only with --only)
//   --baseline <dir>: the api section also runs against another checkout's template and
//     build (e.g. a git worktree of an earlier commit), rounds interleaved
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { LocalCloud } from '@shop/local-cloud/cloud';
import { findBundles, repoRoot } from './bundleSizes.ts';
import { describeMachine } from './lib/machine.ts';
import { type BenchResults, renderReport } from './lib/report.ts';
import { drainQueues, resultsDir, startShop, stopShop } from './lib/shopCloud.ts';
import { measureApiAgainstBaseline } from './sections/apiBaseline.ts';
import { measureApi } from './sections/apiThroughput.ts';
import { measureApiVsInProcess } from './sections/apiVsInProcess.ts';
import { measureColdInit } from './sections/coldInit.ts';
import { measureColdRic } from './sections/coldRic.ts';
import { measureVariants } from './sections/coldVariants.ts';
import { measureEndToEnd } from './sections/endToEnd.ts';
import { measureSuite } from './sections/testSuite.ts';
import { measureThumbnails } from './sections/thumbnails.ts';
import { measureWarm } from './sections/warmInvoke.ts';

const SECTIONS = [
  'bundles',
  'cold',
  'ric',
  'warm',
  'e2e',
  'api',
  'thumbnails',
  'suite',
  'variants',
] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    only: { type: 'string' },
    suite: { type: 'boolean', default: false },
    runs: { type: 'string', default: '15' },
    'warm-rounds': { type: 'string', default: '4' },
    connections: { type: 'string', default: '10' },
    'api-seconds': { type: 'string', default: '5' },
    'api-rounds': { type: 'string', default: '2' },
    'overhead-calls': { type: 'string', default: '200' },
    // The API vs in-process rows again with at most this many environments per function
    // (local-cloud's --concurrency); 0 skips them. Default: two per core.
    'api-concurrency': { type: 'string', default: String(2 * availableParallelism()) },
    'e2e-runs': { type: 'string', default: '5' },
    'batching-window': { type: 'string' },
    baseline: { type: 'string' },
    'baseline-rounds': { type: 'string', default: '4' },
    'thumbnails-full': { type: 'boolean', default: false },
    'thumbnail-iterations': { type: 'string', default: '3' },
    out: { type: 'string', default: path.join(resultsDir, 'latest.json') },
  },
});

const selected = new Set<Section>(
  values.only === undefined
    ? SECTIONS.filter((s) => (s !== 'suite' || values.suite) && s !== 'variants')
    : (values.only.split(',').map((s) => s.trim()) as Section[]),
);
for (const section of selected) {
  if (!SECTIONS.includes(section)) throw new Error(`unknown section ${section} (${SECTIONS})`);
}
const int = (name: keyof typeof values) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
};
const fewer = Number(values['api-concurrency']);
if (!Number.isInteger(fewer) || fewer < 0)
  throw new Error('--api-concurrency must be a whole number (0: skip)');
/** The API sections' load: `--connections` for `--api-seconds` after a 1 s warm-up. */
const apiLoad = () => ({
  connections: int('connections'),
  durationSeconds: int('api-seconds'),
  warmupSeconds: 1,
});
const windowCap =
  values['batching-window'] === undefined ? undefined : Number(values['batching-window']);

const started = performance.now();
const progress = (text: string) =>
  process.stderr.write(
    `[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${text}\n`,
  );

const results: BenchResults = {
  startedAt: new Date().toISOString(),
  durationSeconds: 0,
  machine: describeMachine(),
  options: { sections: [...selected], ...values },
};

const bundles = await findBundles();
if (bundles.length === 0) throw new Error('no bundles in services/*/dist: run `pnpm build` first');
if (selected.has('bundles')) {
  const budgetsFile = path.join(repoRoot, 'packages', 'bench', 'budgets.json');
  const budgets = JSON.parse(await readFile(budgetsFile, 'utf8').catch(() => '{}')) as Record<
    string,
    { bytes: number; gzipBytes: number }
  >;
  results.bundles = bundles.map((b) => ({
    ...b,
    file: path.relative(repoRoot, b.file),
    ...(budgets[b.id]
      ? { budgetBytes: budgets[b.id]?.bytes, budgetGzipBytes: budgets[b.id]?.gzipBytes }
      : {}),
  }));
}

const cloudSections: Section[] = ['cold', 'ric', 'variants', 'warm', 'e2e', 'api'];
if (cloudSections.some((s) => selected.has(s))) {
  progress('starting the shop on local-cloud (free loopback ports; log: results/local-cloud.log)');
  const cloud: LocalCloud = await startShop(windowCap);
  try {
    if (selected.has('cold'))
      results.coldInit = await measureColdInit(cloud, int('runs'), progress);
    if (selected.has('ric')) results.coldRic = await measureColdRic(cloud, int('runs'), progress);
    if (selected.has('variants'))
      results.variants = await measureVariants(cloud, int('runs'), progress);
    if (selected.has('warm')) results.warm = await measureWarm(cloud, int('warm-rounds'), progress);
    // Before the API load: POST /orders leaves a backlog of emails behind.
    if (selected.has('e2e'))
      results.endToEnd = await measureEndToEnd(cloud, int('e2e-runs'), windowCap, progress);
    if (selected.has('api')) {
      results.api = await measureApi(cloud, apiLoad(), progress);
      await drainQueues(cloud);
      results.apiVsInProcess = await measureApiVsInProcess(
        cloud,
        {
          ...apiLoad(),
          rounds: int('api-rounds'),
          overheadCalls: int('overhead-calls'),
          ceiling: true,
        },
        progress,
      );
      if (values.baseline !== undefined) {
        await drainQueues(cloud);
        results.apiBaseline = await measureApiAgainstBaseline(
          cloud,
          values.baseline,
          {
            ...apiLoad(),
            rounds: int('baseline-rounds'),
            ...(windowCap === undefined ? {} : { maxBatchingWindowSeconds: windowCap }),
          },
          progress,
        );
      }
    }
    progress('draining the queues before stopping');
    await drainQueues(cloud);
  } finally {
    await stopShop(cloud);
  }
}
// The API rows again with fewer environments per function, in a shop of their own booted
// after the first one stopped (its POST rounds leave orders being published and emailed).
if (
  results.apiVsInProcess !== undefined &&
  fewer > 0 &&
  fewer < results.apiVsInProcess.environments
) {
  progress(`starting a second shop with at most ${fewer} environments per function`);
  const limited = await startShop(windowCap, {
    stackName: 'shop-bench-limited',
    logName: 'local-cloud-limited.log',
    concurrency: fewer,
  });
  try {
    results.apiVsInProcessLimited = await measureApiVsInProcess(
      limited,
      {
        ...apiLoad(),
        rounds: int('api-rounds'),
        overheadCalls: 0,
      },
      progress,
    );
    await drainQueues(limited);
  } finally {
    await stopShop(limited);
  }
}
if (selected.has('thumbnails')) {
  results.thumbnails = await measureThumbnails(
    { quick: !values['thumbnails-full'], iterations: int('thumbnail-iterations') },
    progress,
  );
}
if (selected.has('suite')) results.suite = await measureSuite(progress);

results.durationSeconds = (performance.now() - started) / 1000;
await mkdir(path.dirname(values.out), { recursive: true });
await writeFile(values.out, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(
  `${renderReport(results)}\n\nresults: ${path.relative(process.cwd(), values.out)}\n`,
);
