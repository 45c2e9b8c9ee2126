// Thumbnails: services/thumbnails/bench/thumbnails.bench.mjs, run as it is (its own child
// processes, one per implementation, so each peak RSS belongs to one of them), folded in:
// ms per 12-megapixel JPEG for the full size set and peak RSS, the production pipeline
// versus the naive one-pipeline-per-size implementation, in the same run.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../bundleSizes.ts';
import { ratio } from '../lib/stats.ts';

const run = promisify(execFile);

export interface ThumbnailRow {
  input: string;
  implementation: string;
  wallMs: number;
  cpuMs: number;
  peakRssMiB: number;
}

export interface ThumbnailsResult {
  widths: number[];
  iterations: number;
  pinnedToOneCore: boolean;
  sharp: Record<string, string>;
  rows: ThumbnailRow[];
  /** naive wall ms / pipeline wall ms, and the same for peak RSS (12 MP, first setting). */
  naiveOverPipeline: { wall: number; peakRss: number };
}

export const measureThumbnails = async (
  options: { quick: boolean; iterations: number },
  progress: (text: string) => void,
): Promise<ThumbnailsResult> => {
  const serviceDir = path.join(repoRoot, 'services', 'thumbnails');
  const scratch = await mkdtemp(path.join(tmpdir(), 'shop-bench-thumbs-'));
  try {
    const out = path.join(scratch, 'thumbnails.json');
    progress(
      `thumbnails: ${options.quick ? '12 MP on one core' : 'full set'} (services/thumbnails/bench)`,
    );
    const args = [
      path.join('bench', 'thumbnails.bench.mjs'),
      '--iterations',
      String(options.iterations),
    ];
    if (options.quick) args.push('--quick');
    await run(process.execPath, [...args, '--json', out], {
      cwd: serviceDir,
      maxBuffer: 4 << 20,
      timeout: 15 * 60_000,
    });
    const report = JSON.parse(await readFile(out, 'utf8')) as Omit<
      ThumbnailsResult,
      'naiveOverPipeline'
    >;
    const first = (prefix: string) =>
      report.rows.find(
        (row) => row.input.startsWith('12 MP') && row.implementation.startsWith(prefix),
      );
    const pipeline = first('pipeline');
    const naive = first('naive');
    if (pipeline === undefined || naive === undefined)
      throw new Error('thumbnails bench: no 12 MP pipeline/naive rows');
    return {
      widths: report.widths,
      iterations: report.iterations,
      pinnedToOneCore: report.pinnedToOneCore,
      sharp: report.sharp,
      rows: report.rows,
      naiveOverPipeline: {
        wall: ratio(naive.wallMs, pipeline.wallMs),
        peakRss: ratio(naive.peakRssMiB, pipeline.peakRssMiB),
      },
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
};
