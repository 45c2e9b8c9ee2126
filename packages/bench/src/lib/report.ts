// The run's results as Markdown tables: printed at the end of `pnpm bench` and pasted into
// the README's Performance section.
import type { Bundle } from '../bundleSizes.ts';
import type { ApiBaselineResult } from '../sections/apiBaseline.ts';
import type { ApiRow } from '../sections/apiThroughput.ts';
import type { ApiVsInProcessResult } from '../sections/apiVsInProcess.ts';
import type { ColdInitResult } from '../sections/coldInit.ts';
import type { RicResult } from '../sections/coldRic.ts';
import type { VariantsResult } from '../sections/coldVariants.ts';
import type { EndToEndResult } from '../sections/endToEnd.ts';
import type { SuiteResult } from '../sections/testSuite.ts';
import type { ThumbnailsResult } from '../sections/thumbnails.ts';
import type { WarmRow } from '../sections/warmInvoke.ts';
import { busyMs, type CpuPerRequest } from './cpu.ts';
import type { Machine } from './machine.ts';
import { kib, markdownTable, ms, times } from './table.ts';

export interface BenchResults {
  startedAt: string;
  durationSeconds: number;
  machine: Machine;
  options: Record<string, unknown>;
  bundles?: (Bundle & { budgetBytes?: number; budgetGzipBytes?: number })[];
  coldInit?: ColdInitResult;
  coldRic?: RicResult;
  variants?: VariantsResult;
  warm?: WarmRow[];
  api?: ApiRow[];
  apiBaseline?: ApiBaselineResult;
  apiVsInProcess?: ApiVsInProcessResult;
  /** The same with fewer environments per function (`--api-concurrency`). */
  apiVsInProcessLimited?: ApiVsInProcessResult;
  thumbnails?: ThumbnailsResult;
  endToEnd?: EndToEndResult;
  suite?: SuiteResult;
}

/** A latency cell: `p50 / p99`, in ms. */
const p50p99 = (latency: { p50: number; p99: number }): string =>
  `${ms(latency.p50)} / ${ms(latency.p99)}`;

const CPU_HEADING =
  '#### CPU time per request by process (ms, all cores, means over rounds; load generator: autocannon; runner + backends: this process; functions: its child processes)';
const CPU_COLUMNS = [
  'route',
  'side',
  'load generator',
  'runner + backends',
  'functions',
  'other',
  'busy',
  'idle',
];

/** One row per side that has a CPU breakdown (none off Linux). */
const cpuTableRows = (
  route: string,
  sides: ReadonlyArray<readonly [string, { cpu?: CpuPerRequest }]>,
): Array<Array<string | number>> =>
  sides.flatMap(([name, { cpu }]) => {
    if (cpu === undefined) return [];
    return [
      [
        route,
        name,
        cpu.loadGenerator ?? '-',
        cpu.runnerAndBackends,
        cpu.functions,
        cpu.other,
        Math.round(busyMs(cpu) * 1000) / 1000,
        cpu.idle,
      ],
    ];
  });

/**
 * What the API side spends per request beyond the in-process side, by process: the function
 * processes (the environments against one isolate), this process (the runner's own work, as
 * far as the backends' share is the same on both sides) and the load generator.
 */
export const cpuGap = (
  api: CpuPerRequest | undefined,
  inProcess: CpuPerRequest | undefined,
): string | undefined => {
  if (api === undefined || inProcess === undefined) return undefined;
  const more = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(2)} ms`;
  return `the local API's CPU per request beyond in-process, ${more(busyMs(api) - busyMs(inProcess))}: function processes ${more(api.functions - inProcess.functions)} (${(api.functions / inProcess.functions).toFixed(1)}x), runner and backends ${more(api.runnerAndBackends - inProcess.runnerAndBackends)}, load generator ${more(api.loadGenerator ?? 0)}, other ${more(api.other - inProcess.other)}.`;
};

const sections = (r: BenchResults): string[] => {
  const out: string[] = [];
  if (r.bundles) {
    out.push(
      '### Bundle size',
      markdownTable(
        ['function', 'bytes', 'gzip', 'budget'],
        r.bundles.map((b) => [
          b.id,
          kib(b.bytes),
          kib(b.gzipBytes),
          b.budgetBytes === undefined ? 'none' : kib(b.budgetBytes),
        ]),
      ),
    );
  }
  if (r.coldInit) {
    const { baseline, functions, runs } = r.coldInit;
    out.push(
      `### Cold init (fresh Node process, import + module scope; median of ${runs})`,
      markdownTable(
        ['function', 'ready ms', 'import ms', 'CPU ms', 'vs empty', 'own init ms', 'RSS MiB'],
        [baseline, ...functions].map((c) => [
          c.id,
          ms(c.readyMs),
          ms(c.importMs),
          ms(c.cpuMs),
          times(c.ratio),
          ms(c.extraMs),
          c.rssMiB.toFixed(0),
        ]),
      ),
    );
  }
  if (r.coldRic) {
    const { baseline, functions, runs, stale, runtimeClient } = r.coldRic;
    const fresh = new Map(
      r.coldInit ? [r.coldInit.baseline, ...r.coldInit.functions].map((c) => [c.id, c]) : [],
    );
    out.push(
      `### Cold start under ${runtimeClient} (.aws-sam/build, a new environment per sample; median of ${runs})`,
      markdownTable(
        [
          'function',
          'init ms',
          'vs empty',
          'own init ms',
          'first invoke ms',
          'fresh-process ready ms',
          'fresh vs empty',
          'failed',
        ],
        [baseline, ...functions].map((c) => [
          c.id,
          ms(c.initMs),
          times(c.ratio),
          ms(c.extraMs),
          ms(c.firstInvokeMs),
          fresh.has(c.id) ? ms(fresh.get(c.id)?.readyMs ?? Number.NaN) : '-',
          fresh.has(c.id) ? times(fresh.get(c.id)?.ratio ?? Number.NaN) : '-',
          c.failures,
        ]),
      ),
    );
    if (stale.length > 0) {
      out.push(
        `Stale: .aws-sam/build differs from services/*/dist for ${stale.join(', ')} (run \`sam build\`).`,
      );
    }
    const failed = functions.filter((c) => c.firstFailure !== undefined);
    for (const c of failed) out.push(`- ${c.id}: ${c.firstFailure}`);
  }
  if (r.variants) {
    out.push(
      `### Bundle variants side by side (fresh process and aws-lambda-ric; median of ${r.variants.runs})`,
      markdownTable(
        [
          'function',
          'variant',
          'bytes',
          'gzip',
          'ready ms',
          'x first row',
          'CPU ms',
          'ric init ms',
          'x first row',
          'first invoke ms',
          'failed',
        ],
        r.variants.rows.map((v) => [
          v.function,
          v.variant,
          kib(v.bytes),
          kib(v.gzipBytes),
          ms(v.readyMs),
          times(v.readyRatio),
          ms(v.cpuMs),
          ms(v.ricInitMs),
          times(v.ricRatio),
          ms(v.ricFirstInvokeMs),
          v.failures,
        ]),
      ),
    );
    for (const v of r.variants.rows.filter((row) => row.firstFailure !== undefined)) {
      out.push(`- ${v.function} (${v.variant}): ${v.firstFailure}`);
    }
  }
  if (r.warm) {
    out.push(
      '### Warm invocation (local-cloud runner vs in-process handler)',
      markdownTable(
        [
          'function',
          'event',
          'runner p50/p99 ms',
          'in-process p50/p99 ms',
          'ratio p50',
          '+ms p50',
          'n',
          'failed',
        ],
        r.warm.map((w) => [
          w.id,
          w.event,
          p50p99(w.runner),
          p50p99(w.direct),
          times(w.ratio),
          ms(w.overheadMs),
          w.runner.n,
          w.failures,
        ]),
      ),
    );
  }
  if (r.api) {
    out.push(
      '### API throughput (local-cloud HTTP API, authorizer + function)',
      markdownTable(
        [
          'route',
          'connections',
          'seconds',
          'requests',
          'req/s',
          'p50 ms',
          'p99 ms',
          'non-2xx',
          'errors',
        ],
        r.api.map((a) => [
          a.route,
          a.connections,
          a.durationSeconds,
          a.requests,
          a.rps,
          a.latency.p50,
          a.latency.p99,
          a.non2xx,
          a.errors,
        ]),
      ),
    );
  }
  for (const v of [r.apiVsInProcess, r.apiVsInProcessLimited]) {
    if (v === undefined) continue;
    out.push(
      `### Local API vs the same handler in-process (same run, ${v.rounds} rounds ABBA of ${v.durationSeconds} s, ${v.connections} connections / concurrent callers; ${v.concurrency}; means over rounds)`,
      markdownTable(
        [
          'route',
          'local API req/s',
          'p50/p99 ms',
          'in-process req/s',
          'p50/p99 ms',
          'API / in-process',
          'goal >= 0.5',
          'failed',
        ],
        v.rows.map((row) => [
          row.route,
          row.api.rps,
          p50p99(row.api),
          row.inProcess.rps,
          p50p99(row.inProcess),
          times(row.rpsRatio),
          row.rpsRatio >= 0.5 ? 'met' : 'not met',
          row.api.failures + row.inProcess.failures,
        ]),
      ),
      ...v.rows.map(
        (row) =>
          `Warm-up of ${row.route}, req/s per unmeasured window: local API ${row.warmup.api.join(', ')}; in-process ${row.warmup.inProcess.join(', ')}.`,
      ),
    );
    const cpuRows = v.rows.flatMap((row) =>
      cpuTableRows(row.route, [
        ['local API', row.api],
        ['in-process', row.inProcess],
      ]),
    );
    if (cpuRows.length > 0) out.push(CPU_HEADING, markdownTable(CPU_COLUMNS, cpuRows));
    for (const row of v.rows) {
      const gap = cpuGap(row.api.cpu, row.inProcess.cpu);
      if (gap !== undefined) out.push(`${row.route}: ${gap}`);
    }
    if (v.overhead.length > 0) {
      out.push(
        '#### Runner overhead per call (one caller, OrdersApiFunction through the runner vs in-process, interleaved)',
        markdownTable(
          ['route', 'runner p50/p99 ms', 'in-process p50/p99 ms', '+ms p50', 'goal <= 1 ms', 'n'],
          v.overhead.map((o) => [
            o.route,
            p50p99(o.runner),
            p50p99(o.inProcess),
            o.overheadMs,
            o.overheadMs <= 1 ? 'met' : 'not met',
            o.runner.n,
          ]),
        ),
      );
    }
    if (v.ceiling) {
      const c = v.ceiling;
      out.push(
        `#### Without the runner: ${c.isolates} in-process children with one caller each vs one child with ${c.isolates} (${c.route}, same rounds scheme)`,
        markdownTable(
          [
            'route',
            `${c.isolates} children req/s`,
            'p50/p99 ms',
            'one child req/s',
            'p50/p99 ms',
            'ratio',
            'failed',
          ],
          [
            [
              c.route,
              c.separate.rps,
              p50p99(c.separate),
              c.shared.rps,
              p50p99(c.shared),
              times(c.rpsRatio),
              c.separate.failures + c.shared.failures,
            ],
          ],
        ),
        `Warm-up of the ${c.isolates} children, req/s per unmeasured window: ${c.warmup.join(', ')}.`,
      );
      const ceilingCpu = cpuTableRows(c.route, [
        [`${c.isolates} children`, c.separate],
        ['one child', c.shared],
      ]);
      if (ceilingCpu.length > 0) out.push(CPU_HEADING, markdownTable(CPU_COLUMNS, ceilingCpu));
    }
  }
  if (r.apiBaseline) {
    const b = r.apiBaseline;
    out.push(
      `### API throughput: this checkout vs baseline (same run, ${b.rounds} interleaved rounds of ${b.durationSeconds} s, ${b.connections} connections; medians)`,
      `this checkout: ${b.currentCommit}; baseline: ${b.baselineCommit} (${b.baselineDir})`,
      markdownTable(
        ['route', 'checkout', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'non-2xx', 'req/s ratio'],
        b.rows.flatMap((row) => [
          [
            row.route,
            'baseline',
            row.baseline.rps,
            row.baseline.p50,
            row.baseline.p99,
            row.baseline.requests,
            row.baseline.non2xx,
            '1.00x',
          ],
          [
            row.route,
            'this',
            row.current.rps,
            row.current.p50,
            row.current.p99,
            row.current.requests,
            row.current.non2xx,
            times(row.rpsRatio),
          ],
        ]),
      ),
    );
  }
  if (r.thumbnails) {
    const t = r.thumbnails;
    out.push(
      `### Thumbnails (widths ${t.widths.join('/')}, sharp ${t.sharp.sharp ?? '?'}; naive/pipeline: ${times(t.naiveOverPipeline.wall)} time, ${times(t.naiveOverPipeline.peakRss)} peak RSS)`,
      markdownTable(
        ['input', 'implementation', 'wall ms/image', 'CPU ms/image', 'peak RSS MiB'],
        t.rows.map((row) => [
          row.input,
          row.implementation,
          ms(row.wallMs),
          ms(row.cpuMs),
          row.peakRssMiB.toFixed(0),
        ]),
      ),
    );
  }
  if (r.endToEnd) {
    const e = r.endToEnd;
    out.push(
      `### End to end (p50 of ${e.runs}; batching windows on the path: upload ${e.batchingWindowSeconds.upload.join(' + ')} s, order ${e.batchingWindowSeconds.order.join(' + ')} s)`,
      markdownTable(
        ['flow', 'p50 ms', 'runs ms'],
        [
          [
            'upload -> catalog item',
            ms(e.uploadToCatalogMs.p50),
            e.uploadToCatalogMs.all.map(ms).join(', '),
          ],
          [
            'POST order -> email in SES',
            ms(e.orderToEmailMs.p50),
            e.orderToEmailMs.all.map(ms).join(', '),
          ],
        ],
      ),
    );
  }
  if (r.suite) {
    out.push(
      '### Test suite (`turbo run test`)',
      markdownTable(
        ['run', 'wall s', 'exit'],
        [
          ['cold (--force)', (r.suite.coldMs / 1000).toFixed(1), r.suite.coldExitCode],
          ['cached', (r.suite.cachedMs / 1000).toFixed(1), r.suite.cachedExitCode],
        ],
      ),
    );
  }
  return out;
};

export const renderReport = (r: BenchResults): string => {
  const m = r.machine;
  const head =
    `Machine: ${m.nproc} x ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}; ` +
    `load average ${m.loadAverage} at the start; ${r.startedAt}, ${r.durationSeconds.toFixed(0)} s`;
  return [head, ...sections(r)].join('\n\n');
};
