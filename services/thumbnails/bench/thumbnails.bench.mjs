#!/usr/bin/env node
// Thumbnail benchmark and quality gate.
//
// Speed: ms per 12-megapixel JPEG for the whole size set, side by side in one run:
//   pipeline  the production renderer (src/adapters/SharpImageRenderer.ts): one decode at the
//             largest size with shrink-on-load, each smaller size from the next larger one,
//             WebP effort 2 for the large sizes;
//   before    the renderer as it was before issue 16 (one decode, every size from it, WebP
//             effort 4), kept here as the yardstick of that change;
//   naive     what most examples do: one full pipeline (decode, orient, resize, encode) per size.
// Each measurement runs in its own child process (so each peak RSS belongs to one
// implementation), children alternate ABC/CBA between rounds (background load on the shared
// machine hits them alike), and by default pinned to one core, like Lambda at 1536 MB.
//
// Quality (the gate; nonzero exit when it fails): for each fixture and size, SSIM of the
// production renderer's output against the same size made from a full decode (every pixel
// decoded, no shrink-on-load, oriented, resized with the same lanczos3 kernel, never encoded):
//   - rendered at WebP quality 100, so the number is about the decode path (shrink-on-load
//     scale, resize kernel, the cascade) and not the encoder's loss: must be >= 0.98;
//   - rendered at the production quality (80), next to a full decode encoded with libwebp's
//     default effort 4: what the faster encoder settings lose, must stay within 0.01.
// A reference with less contrast than SSIM's stabilising constant (luma standard deviation
// under 7.65, e.g. a noise photo shrunk to a nearly flat 128 px grey) is reported, not gated:
// there SSIM measures that constant, not structure.
//
// Usage: pnpm --filter @shop/thumbnails bench [-- --iterations 3] [--quick] [--json <file>]
//   --quick         12-megapixel comparisons on one core (no all-cores run, no 50 MP)
//   --quality-only  the quality gate alone, no timings (deterministic: fit for CI)
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
const MAX_PIXELS = 100_000_000;
const MIN_SSIM = 0.98;
/** How much SSIM the production encoder settings may lose against libwebp's defaults. */
const MAX_ENCODER_LOSS = 0.01;
const GOAL_NAIVE_OVER_PIPELINE = 3;

const { values } = parseArgs({
  // `pnpm bench -- --iterations 5` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    child: { type: 'string' },
    file: { type: 'string' },
    renderer: { type: 'string' },
    iterations: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    'quality-only': { type: 'boolean', default: false },
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

const box = (width) => ({ width, height: width, fit: 'inside', withoutEnlargement: true });

/** The renderer before issue 16 (as of dcebd1a), its pixel work only: header read, one
 * decode to the largest size (shrink-on-load), every size encoded from those pixels at
 * libwebp's default effort. */
const beforeRender = async (sharp, source) => {
  const input = { limitInputPixels: MAX_PIXELS, failOn: 'error', animated: false };
  await sharp(source, { ...input, limitInputPixels: false }).metadata();
  const largest = Math.max(...WIDTHS);
  const base = await sharp(source, input)
    .rotate()
    .resize(box(largest))
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height, channels } = base.info;
  return Promise.all(
    WIDTHS.map((target) => {
      let pipeline = sharp(base.data, { raw: { width, height, channels } });
      if (target < largest) pipeline = pipeline.resize(box(target));
      return pipeline.webp({ quality: QUALITY }).toBuffer();
    }),
  );
};

/** One full pipeline per size, as most examples write it (sharp's shrink-on-load included). */
const naiveRender = (sharp, source) =>
  Promise.all(
    WIDTHS.map((width) =>
      sharp(source, { limitInputPixels: MAX_PIXELS, failOn: 'error' })
        .rotate()
        .resize(box(width))
        .webp({ quality: QUALITY })
        .toBuffer(),
    ),
  );

// ---- child: quality of one file -------------------------------------------------------
if (values.child === 'quality') {
  const { loadSharp, SharpImageRenderer } = await import(pathToFileURL(values.renderer).href);
  const { C2, luma, ssim, standardDeviation } = await import('./ssim.ts');
  const sharp = loadSharp();
  const source = readFileSync(values.file);
  const render = (webpQuality) =>
    new SharpImageRenderer(sharp, { maxPixels: MAX_PIXELS, webpQuality }).render(source, WIDTHS);
  const [lossless, production, before, naive] = await Promise.all([
    render(100),
    render(QUALITY),
    beforeRender(sharp, source),
    naiveRender(sharp, source),
  ]);
  const full = await sharp(source, { limitInputPixels: false })
    .autoOrient()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const fullInput = {
    raw: { width: full.info.width, height: full.info.height, channels: full.info.channels },
  };
  const decoded = (body) => sharp(body).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const sizes = [];
  for (const [index, width] of WIDTHS.entries()) {
    const reference = await sharp(full.data, fullInput)
      .resize(box(width))
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    // The ideal thumbnail at libwebp's defaults: a full decode, encoded with effort 4.
    const fullDecodeWebp = await sharp(full.data, fullInput)
      .resize(box(width))
      .webp({ quality: QUALITY })
      .toBuffer();
    const score = async (body) => {
      const image = await decoded(body);
      if (image.info.width !== reference.info.width || image.info.height !== reference.info.height)
        return { ssim: 0, size: `${image.info.width}x${image.info.height}` };
      return { ssim: ssim(image, reference), size: `${image.info.width}x${image.info.height}` };
    };
    const pixels = await score(lossless[index].body);
    const pipeline = await score(production[index].body);
    sizes.push({
      width,
      size: `${reference.info.width}x${reference.info.height}`,
      outputSize: pixels.size,
      referenceLumaStdDev: standardDeviation(luma(reference)),
      structured: standardDeviation(luma(reference)) >= Math.sqrt(C2),
      ssim: {
        pipelineQ100: pixels.ssim,
        pipeline: pipeline.ssim,
        fullDecode: (await score(fullDecodeWebp)).ssim,
        before: (await score(before[index])).ssim,
        naive: (await score(naive[index])).ssim,
      },
      bytes: {
        pipeline: production[index].body.length,
        fullDecode: fullDecodeWebp.length,
        before: before[index].length,
        naive: naive[index].length,
      },
    });
  }
  process.stdout.write(JSON.stringify({ sizes, peakRssMiB: peakRssMiB() }));
  process.exit(0);
}

// ---- child: one implementation, one file, timed -----------------------------------------
if (values.child) {
  const { loadSharp, SharpImageRenderer } = await import(pathToFileURL(values.renderer).href);
  const sharp = loadSharp();
  const source = readFileSync(values.file);
  const renderer = new SharpImageRenderer(sharp, { maxPixels: MAX_PIXELS, webpQuality: QUALITY });
  const implementations = {
    // Loads sharp and reads the file, renders nothing: the RSS floor.
    baseline: async () => [],
    pipeline: () => renderer.render(source, WIDTHS),
    before: () => beforeRender(sharp, source),
    naive: () => naiveRender(sharp, source),
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
  // Fixtures are generated (no binaries in the repository) and cached in the OS temp folder
  // between runs: 50 MP takes a while.
  const fixtures = path.join(tmpdir(), 'shop-thumbnails-bench-v1');
  mkdirSync(fixtures, { recursive: true });
  const cached = async (name, make) => {
    const file = path.join(fixtures, name);
    if (existsSync(file)) return file;
    writeFileSync(`${file}.partial`, await make());
    renameSync(`${file}.partial`, file);
    return file;
  };
  /** Smooth colour blobs with detail (noise at 1/3 scale, scaled up): a heavy file (5.6 MiB
   * at 12 MP) whose detail is finer than every thumbnail size. */
  const noisePhoto = (name, width, height, orientation) =>
    cached(name, async () => {
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
      return image.toBuffer();
    });
  /** Photo-like: texture at every scale (noise octaves from 1/300 to 1/5 of the width, a
   * 1/f-like spectrum as in natural images), hard-edged shapes and thin lines (where ringing
   * or a shifted pixel grid shows), sensor-like grain; JPEG quality 92. */
  const scenePhoto = (name, width, height) =>
    cached(name, async () => {
      let state = 20261202;
      const random = () => {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        return state / 2 ** 32;
      };
      const noise = (divisor, sigma) =>
        sharp({
          create: {
            width: Math.max(2, Math.round(width / divisor)),
            height: Math.max(2, Math.round(height / divisor)),
            channels: 3,
            background: '#000',
            noise: { type: 'gaussian', mean: 128, sigma },
          },
        })
          .resize(width, height, { fit: 'fill', kernel: 'cubic' })
          .png({ compressionLevel: 1 })
          .toBuffer();
      const [base, ...octaves] = [
        await noise(300, 80),
        await noise(75, 60),
        await noise(20, 45),
        await noise(5, 30),
        await noise(1, 10),
      ];
      const f = (value) => value.toFixed(1);
      let shapes = '';
      for (let i = 0; i < 60; i += 1) {
        const [x, y, r] = [random() * width, random() * height, (0.005 + random() * 0.08) * width];
        const fill = `hsl(${Math.floor(random() * 360)},${40 + Math.floor(random() * 50)}%,${25 + Math.floor(random() * 50)}%)`;
        shapes +=
          random() < 0.5
            ? `<circle cx="${f(x)}" cy="${f(y)}" r="${f(r)}" fill="${fill}" fill-opacity="${(0.5 + random() / 2).toFixed(2)}"/>`
            : `<rect x="${f(x)}" y="${f(y)}" width="${f(r * 1.5)}" height="${f(r)}" fill="${fill}" transform="rotate(${f(random() * 90)} ${f(x)} ${f(y)})"/>`;
      }
      for (let i = 0; i < 80; i += 1) {
        const [x, y] = [random() * width, random() * height];
        shapes += `<line x1="${f(x)}" y1="${f(y)}" x2="${f(x + ((random() - 0.5) * width) / 2)}" y2="${f(y + ((random() - 0.5) * height) / 2)}" stroke="hsl(${Math.floor(random() * 360)},60%,${random() < 0.5 ? 15 : 85}%)" stroke-width="${(1 + random() * 12).toFixed(1)}"/>`;
      }
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes}</svg>`;
      return sharp(base, { limitInputPixels: false })
        .composite([
          ...octaves.slice(0, -1).map((input) => ({ input, blend: 'soft-light' })),
          { input: Buffer.from(svg) },
          { input: octaves.at(-1), blend: 'soft-light' },
        ])
        .removeAlpha()
        .modulate({ saturation: 0.6 })
        .jpeg({ quality: 92 })
        .toBuffer();
    });
  process.stdout.write(`fixtures (cached in ${fixtures})... `);
  const mp12 = await noisePhoto('12mp.jpg', 4000, 3000);
  const scene = await scenePhoto('12mp-scene.jpg', 4000, 3000);
  const timed = !values['quality-only'];
  const mp50 = values.quick || !timed ? undefined : await noisePhoto('50mp.jpg', 8660, 5774);
  const mp50rotated = !mp50 ? undefined : await noisePhoto('50mp-orientation-6.jpg', 8660, 5774, 6);
  // Worst case for memory: no shrink-on-load (PNG), 16-bit RGBA, rotated by EXIF.
  const worstPng = !mp50
    ? undefined
    : await cached('50mp-rgba16-orientation-6.png', () =>
        sharp({ create: { width: 8660, height: 5774, channels: 4, background: '#c86432b3' } })
          .toColourspace('rgb16')
          .png()
          .withMetadata({ orientation: 6 })
          .toBuffer(),
      );
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
  const child = (name, file, extra, oneCore) => {
    const args = [fileURLToPath(import.meta.url), '--child', name, '--file', file];
    args.push('--renderer', rendererBundle, ...extra);
    const [command, argv] =
      oneCore && canPin
        ? ['taskset', ['-c', '0', process.execPath, ...args]]
        : [process.execPath, args];
    return JSON.parse(execFileSync(command, argv, { env, encoding: 'utf8', maxBuffer: 4 << 20 }));
  };
  /** Rounds alternate between implementations, so background load hits them alike. */
  const compare = (children, file, { rounds, iterations, oneCore }) => {
    const results = Object.fromEntries(
      children.map((c) => [c, { wallMs: [], cpuMs: [], peakRssMiB: 0 }]),
    );
    for (let round = 0; round < rounds; round += 1) {
      for (const name of round % 2 === 0 ? children : [...children].reverse()) {
        const r = child(name, file, ['--iterations', String(iterations)], oneCore);
        results[name].wallMs.push(...r.wallMs);
        results[name].cpuMs.push(...r.cpuMs);
        results[name].peakRssMiB = Math.max(results[name].peakRssMiB, r.peakRssMiB);
      }
    }
    return results;
  };
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;
  const iterations = Number(values.iterations);
  const rounds = 4;
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
  const labels = {
    pipeline: 'pipeline: shrink-on-load once, cascade, WebP effort 2',
    before: 'before: one decode, sizes from it, effort 4',
    naive: 'naive: one pipeline per size',
  };
  const ratios = [];
  const trio = (input, file, oneCore) => {
    const r = compare(['pipeline', 'before', 'naive'], file, { rounds, iterations, oneCore });
    for (const name of ['pipeline', 'before', 'naive']) add(input, labels[name], r[name]);
    ratios.push({
      input,
      naiveOverPipeline: {
        wall: median(r.naive.wallMs) / median(r.pipeline.wallMs),
        cpu: median(r.naive.cpuMs) / median(r.pipeline.cpuMs),
      },
      naiveOverBefore: {
        wall: median(r.naive.wallMs) / median(r.before.wallMs),
        cpu: median(r.naive.cpuMs) / median(r.before.cpuMs),
      },
      beforeOverPipeline: {
        wall: median(r.before.wallMs) / median(r.pipeline.wallMs),
        cpu: median(r.before.cpuMs) / median(r.pipeline.cpuMs),
      },
    });
  };

  if (timed) {
    const baseline = compare(['baseline'], mp12, { rounds: 1, iterations: 1, oneCore: true });
    add(
      `12 MP JPEG, ${size(mp12)}`,
      'baseline: node + sharp loaded + file read',
      baseline.baseline,
    );
    for (const oneCore of values.quick ? [true] : [true, false]) {
      const where = oneCore ? cores : `${availableParallelism()} cores`;
      trio(`12 MP JPEG, ${size(mp12)}, ${where}`, mp12, oneCore);
    }
    trio(`12 MP photo-like JPEG, ${size(scene)}, ${cores}`, scene, true);
  }
  if (mp50 !== undefined && mp50rotated !== undefined && worstPng !== undefined) {
    const big = compare(['pipeline', 'before', 'naive'], mp50, {
      rounds: 1,
      iterations: 2,
      oneCore: true,
    });
    for (const name of ['pipeline', 'before', 'naive'])
      add(`50 MP JPEG, ${size(mp50)}, ${cores}`, labels[name], big[name]);
    const rotated = compare(['pipeline'], mp50rotated, {
      rounds: 1,
      iterations: 2,
      oneCore: true,
    });
    add(`50 MP JPEG, EXIF orientation 6, ${cores}`, labels.pipeline, rotated.pipeline);
    const worst = compare(['pipeline'], worstPng, { rounds: 1, iterations: 1, oneCore: true });
    add(`50 MP PNG 16-bit RGBA, orientation 6, ${cores}`, labels.pipeline, worst.pipeline);
  }

  const sharpInfo = sharp.versions;
  console.log(
    `\nsharp ${sharpInfo.sharp}, libvips ${sharpInfo.vips}, Node ${process.version}, ` +
      `${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}, widths ${WIDTHS.join('/')}, WebP q${QUALITY}, ` +
      (timed
        ? `${iterations} iterations x ${rounds} rounds (12 MP), 2 iterations (50 MP), medians\n`
        : 'quality gate only\n'),
  );
  const printTable = (header, table) => {
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
    for (const row of [header, widths.map((w) => '-'.repeat(w)), ...table]) {
      console.log(`| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`);
    }
  };
  if (timed) {
    printTable(
      ['input', 'implementation', 'wall ms/image', 'CPU ms/image', 'peak RSS'],
      rows.map((row) => [
        row.input,
        row.implementation,
        row.wallMs.toFixed(0),
        row.cpuMs.toFixed(0),
        `${row.peakRssMiB.toFixed(0)} MiB`,
      ]),
    );
    console.log('');
    const x = (value) => `${value.toFixed(2)}x`;
    printTable(
      [
        'input',
        'naive / pipeline (wall, CPU)',
        `goal >= ${GOAL_NAIVE_OVER_PIPELINE}x`,
        'naive / before',
        'before / pipeline',
      ],
      ratios.map((r) => [
        r.input,
        `${x(r.naiveOverPipeline.wall)}, ${x(r.naiveOverPipeline.cpu)}`,
        r.naiveOverPipeline.cpu >= GOAL_NAIVE_OVER_PIPELINE ? 'reached' : 'not reached',
        `${x(r.naiveOverBefore.wall)}, ${x(r.naiveOverBefore.cpu)}`,
        `${x(r.beforeOverPipeline.wall)}, ${x(r.beforeOverPipeline.cpu)}`,
      ]),
    );
  }

  // ---- quality gate ----
  const quality = [];
  const failures = [];
  for (const [name, file] of [
    [`12 MP JPEG, ${size(mp12)}`, mp12],
    [`12 MP photo-like JPEG, ${size(scene)}`, scene],
  ]) {
    const result = child('quality', file, [], false);
    for (const s of result.sizes) {
      quality.push({ input: name, ...s });
      const where = `${name}, ${s.width}: `;
      if (s.outputSize !== s.size)
        failures.push(`${where}size ${s.outputSize}, expected ${s.size}`);
      if (!s.structured) continue;
      if (s.ssim.pipelineQ100 < MIN_SSIM)
        failures.push(`${where}SSIM ${s.ssim.pipelineQ100.toFixed(4)} < ${MIN_SSIM} (q100)`);
      if (s.ssim.pipeline < s.ssim.fullDecode - MAX_ENCODER_LOSS)
        failures.push(
          `${where}SSIM ${s.ssim.pipeline.toFixed(4)} at q${QUALITY} is more than ` +
            `${MAX_ENCODER_LOSS} below a full decode's ${s.ssim.fullDecode.toFixed(4)}`,
        );
    }
  }
  console.log(
    `\nSSIM (luma, 11x11 Gaussian) against the same size from a full decode (not encoded); ` +
      `gate: q100 >= ${MIN_SSIM}, q${QUALITY} within ${MAX_ENCODER_LOSS} of a full decode at effort 4\n`,
  );
  const kib = (bytes) => (bytes / 1024).toFixed(1);
  printTable(
    [
      'input',
      'size',
      'pipeline q100',
      `pipeline q${QUALITY}`,
      `full decode q${QUALITY}`,
      'before',
      'naive',
      'KiB pipeline / before',
      'gated',
    ],
    quality.map((q) => [
      q.input,
      q.size,
      q.ssim.pipelineQ100.toFixed(4),
      q.ssim.pipeline.toFixed(4),
      q.ssim.fullDecode.toFixed(4),
      q.ssim.before.toFixed(4),
      q.ssim.naive.toFixed(4),
      `${kib(q.bytes.pipeline)} / ${kib(q.bytes.before)}`,
      q.structured ? 'yes' : `no: flat (luma sd ${q.referenceLumaStdDev.toFixed(1)})`,
    ]),
  );

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
    rounds,
    pinnedToOneCore: canPin,
    rows,
    ratios,
    quality,
    qualityGate: { minSsim: MIN_SSIM, maxEncoderLoss: MAX_ENCODER_LOSS, failures },
  };
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`results: ${path.relative(process.cwd(), out)}`);
  if (failures.length > 0) {
    console.error(`\nQUALITY GATE FAILED (${failures.length}):\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log('quality gate: passed');
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
