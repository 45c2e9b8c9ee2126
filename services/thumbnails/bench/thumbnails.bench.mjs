#!/usr/bin/env node
// Thumbnail benchmark: ms per 12-megapixel JPEG for the whole size set, the production
// pipeline (one decode, largest first, smaller sizes from its pixels) side by side with a
// naive one-pipeline-per-size implementation, plus the peak RSS of each. Every measurement
// runs in its own child process, so each peak RSS belongs to one implementation alone.
// Also: the peak RSS of the production pipeline on 50-megapixel JPEGs (the memory sizing
// of ThumbnailsFunction).
//
// Usage: pnpm --filter @shop/thumbnails bench [-- --iterations 3] [--quick] [--json <file>]
//   --quick        12-megapixel comparison on one core only (no all-cores run, no 50 MP)
//   --json <file>  write the results there instead of bench/results/ (@shop/bench does)
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const serviceDir = path.resolve(here, '..');
const WIDTHS = [1024, 512, 128];
const QUALITY = 80;

const { values } = parseArgs({
  // `pnpm bench -- --iterations 5` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    child: { type: 'string' },
    file: { type: 'string' },
    renderer: { type: 'string' },
    iterations: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

/** Peak resident set of this process. VmHWM, not getrusage's maxRSS: on Linux maxRSS
 * survives exec, so a child would report its parent's peak from the moment it was forked. */
const peakRssMiB = () => {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) / 1024;
  } catch {}
  return process.resourceUsage().maxRSS / 1024;
};

// ---- child: one implementation, one file --------------------------------------------
if (values.child) {
  const { loadSharp, SharpImageRenderer } = await import(pathToFileURL(values.renderer).href);
  const sharp = loadSharp();
  const source = readFileSync(values.file);
  const renderer = new SharpImageRenderer(sharp, { maxPixels: 100_000_000, webpQuality: QUALITY });
  const box = (width) => ({ width, height: width, fit: 'inside', withoutEnlargement: true });
  const implementations = {
    // Loads sharp and reads the file, renders nothing: the RSS floor.
    baseline: async () => [],
    pipeline: () => renderer.render(source, WIDTHS),
    // What most examples do: one full pipeline (decode, orient, resize, encode) per size.
    naive: () =>
      Promise.all(
        WIDTHS.map((width) =>
          sharp(source, { limitInputPixels: 100_000_000, failOn: 'error' })
            .rotate()
            .resize(box(width))
            .webp({ quality: QUALITY })
            .toBuffer(),
        ),
      ),
  };
  const run = implementations[values.child];
  await run(); // warm-up: first-call costs (lazy init of codecs) are not per-image costs
  const wallMs = [];
  const cpuMs = [];
  for (let i = 0; i < Number(values.iterations); i += 1) {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    const outputs = await run();
    wallMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    const used = process.cpuUsage(cpu);
    cpuMs.push((used.user + used.system) / 1000);
    if (values.child !== 'baseline' && outputs.length !== WIDTHS.length)
      throw new Error('bad output');
  }
  process.stdout.write(JSON.stringify({ wallMs, cpuMs, peakRssMiB: peakRssMiB() }));
  process.exit(0);
}

// ---- parent: fixtures, children, report -----------------------------------------------
const scratch = mkdtempSync(path.join(tmpdir(), 'thumbs-bench-'));
try {
  // The production renderer, bundled from src/ (sharp external) so node can import it.
  const { build } = await import('esbuild');
  const rendererBundle = path.join(scratch, 'renderer.mjs');
  await build({
    stdin: {
      contents:
        "export { loadSharp } from './src/adapters/loadSharp.ts';\n" +
        "export { SharpImageRenderer } from './src/adapters/SharpImageRenderer.ts';\n",
      resolveDir: serviceDir,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: rendererBundle,
    external: ['sharp'],
    logLevel: 'warning',
  });
  // Bundled to a temp dir, the renderer's require('sharp') must still find the workspace's.
  const env = { ...process.env, NODE_PATH: path.join(serviceDir, 'node_modules') };

  const { default: sharp } = await import('sharp');
  // Photo-like JPEGs (smooth colour blobs with detail: noise at 1/3 scale, scaled up) of
  // realistic camera file sizes. Generating 50 MP takes a while, so fixtures are cached in
  // the OS temp folder between runs.
  const fixtures = path.join(tmpdir(), 'shop-thumbnails-bench-v1');
  mkdirSync(fixtures, { recursive: true });
  const photo = async (name, width, height, orientation) => {
    const file = path.join(fixtures, name);
    if (existsSync(file)) return file;
    const seed = await sharp({
      create: {
        width: Math.round(width / 3),
        height: Math.round(height / 3),
        channels: 3,
        background: '#000',
        noise: { type: 'gaussian', mean: 128, sigma: 60 },
      },
    })
      .png({ compressionLevel: 1 })
      .toBuffer();
    let image = sharp(seed, { limitInputPixels: false })
      .resize(width, height, { fit: 'fill', kernel: 'cubic' })
      .jpeg({ quality: 90 });
    if (orientation) image = image.withMetadata({ orientation });
    writeFileSync(`${file}.partial`, await image.toBuffer());
    renameSync(`${file}.partial`, file);
    return file;
  };
  process.stdout.write(`fixtures (cached in ${fixtures})... `);
  const mp12 = await photo('12mp.jpg', 4000, 3000);
  const mp50 = values.quick ? undefined : await photo('50mp.jpg', 8660, 5774);
  const mp50rotated = values.quick
    ? undefined
    : await photo('50mp-orientation-6.jpg', 8660, 5774, 6);
  // Worst case for memory: no shrink-on-load (PNG), 16-bit RGBA, rotated by EXIF.
  const worstPng = path.join(fixtures, '50mp-rgba16-orientation-6.png');
  if (!values.quick && !existsSync(worstPng)) {
    const png = await sharp({
      create: { width: 8660, height: 5774, channels: 4, background: '#c86432b3' },
    })
      .toColourspace('rgb16')
      .png()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    writeFileSync(worstPng, png);
  }
  process.stdout.write('ready\n');

  // One core (taskset), like Lambda at 1536 MB (~0.9 vCPU), and all cores of this machine.
  const canPin = (() => {
    try {
      execFileSync('taskset', ['-c', '0', 'true']);
      return true;
    } catch {
      return false;
    }
  })();
  const measureOnce = (child, file, iterations, oneCore) => {
    const args = [fileURLToPath(import.meta.url), '--child', child, '--file', file];
    args.push('--renderer', rendererBundle, '--iterations', String(iterations));
    const [command, argv] =
      oneCore && canPin
        ? ['taskset', ['-c', '0', process.execPath, ...args]]
        : [process.execPath, args];
    return JSON.parse(execFileSync(command, argv, { env, encoding: 'utf8' }));
  };
  /** Rounds alternate between implementations, so background load hits them alike. */
  const compare = (children, file, { rounds, iterations, oneCore }) => {
    const results = Object.fromEntries(
      children.map((c) => [c, { wallMs: [], cpuMs: [], peakRssMiB: 0 }]),
    );
    for (let round = 0; round < rounds; round += 1) {
      for (const child of round % 2 === 0 ? children : [...children].reverse()) {
        const r = measureOnce(child, file, iterations, oneCore);
        results[child].wallMs.push(...r.wallMs);
        results[child].cpuMs.push(...r.cpuMs);
        results[child].peakRssMiB = Math.max(results[child].peakRssMiB, r.peakRssMiB);
      }
    }
    return results;
  };
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;
  const iterations = Number(values.iterations);
  const size = (file) => `${(readFileSync(file).length / 1024 / 1024).toFixed(1)} MiB`;
  const cores = canPin ? '1 core' : 'all cores (taskset unavailable)';
  const rows = [];
  const add = (input, label, r) =>
    rows.push({
      input,
      implementation: label,
      wallMs: median(r.wallMs),
      cpuMs: median(r.cpuMs),
      peakRssMiB: r.peakRssMiB,
    });

  const baseline = compare(['baseline'], mp12, { rounds: 1, iterations: 1, oneCore: true });
  add(`12 MP JPEG, ${size(mp12)}`, 'baseline: node + sharp loaded + file read', baseline.baseline);
  for (const oneCore of values.quick ? [true] : [true, false]) {
    const where = oneCore ? cores : `${availableParallelism()} cores`;
    const r = compare(['pipeline', 'naive'], mp12, { rounds: 2, iterations, oneCore });
    add(`12 MP JPEG, ${where}`, 'pipeline: one decode, sizes from it', r.pipeline);
    add(`12 MP JPEG, ${where}`, 'naive: one pipeline per size', r.naive);
  }
  if (mp50 !== undefined && mp50rotated !== undefined) {
    const big = compare(['pipeline', 'naive'], mp50, { rounds: 1, iterations: 2, oneCore: true });
    add(`50 MP JPEG, ${size(mp50)}, ${cores}`, 'pipeline', big.pipeline);
    add(`50 MP JPEG, ${size(mp50)}, ${cores}`, 'naive', big.naive);
    const rotated = compare(['pipeline'], mp50rotated, {
      rounds: 1,
      iterations: 2,
      oneCore: true,
    });
    add(`50 MP JPEG, EXIF orientation 6, ${cores}`, 'pipeline', rotated.pipeline);
    const worst = compare(['pipeline'], worstPng, { rounds: 1, iterations: 1, oneCore: true });
    add(`50 MP PNG 16-bit RGBA, orientation 6, ${cores}`, 'pipeline', worst.pipeline);
  }

  const sharpInfo = sharp.versions;
  console.log(
    `\nsharp ${sharpInfo.sharp}, libvips ${sharpInfo.vips}, Node ${process.version}, ` +
      `${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}, widths ${WIDTHS.join('/')}, WebP q${QUALITY}, ` +
      `${iterations} iterations x 2 rounds (12 MP), 2 iterations (50 MP), medians\n`,
  );
  const header = ['input', 'implementation', 'wall ms/image', 'CPU ms/image', 'peak RSS'];
  const table = rows.map((row) => [
    row.input,
    row.implementation,
    row.wallMs.toFixed(0),
    row.cpuMs.toFixed(0),
    `${row.peakRssMiB.toFixed(0)} MiB`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  for (const row of [header, widths.map((w) => '-'.repeat(w)), ...table]) {
    console.log(`| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`);
  }

  // With --json the caller keeps the results; otherwise they are kept here, one file a run.
  const resultsDir = path.join(here, 'results');
  if (!values.json) mkdirSync(resultsDir, { recursive: true });
  const out =
    values.json ??
    path.join(resultsDir, `thumbnails-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const report = {
    sharp: sharpInfo,
    node: process.version,
    widths: WIDTHS,
    webpQuality: QUALITY,
    iterations,
    pinnedToOneCore: canPin,
    rows,
  };
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`results: ${path.relative(process.cwd(), out)}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
