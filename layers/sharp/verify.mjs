#!/usr/bin/env node
// Check a built SharpLayer (CI runs this after `sam build`):
//   1. real files only: no symlinks anywhere (Lambda zips cannot hold them);
//   2. sharp's native addon and libvips for BOTH linux-arm64 and linux-x64, each an ELF file
//      for the right machine;
//   3. every package's dependencies present inside the layer (it must be self-contained);
//   4. on a Linux arm64/x64 host (unless --no-load): require('sharp') from the layer alone
//      (NODE_PATH, as Lambda sets it) and process an image; then the Lambda layout: the
//      function bundle in <tmp>/var/task, the layer at <tmp>/opt, and the bundle's cold start
//      must resolve sharp from <tmp>/opt/nodejs/node_modules.
//
// Usage: node layers/sharp/verify.mjs [--layer .aws-sam/build/SharpLayer]
//          [--function .aws-sam/build/ThumbnailsFunction] [--no-load]
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    layer: { type: 'string', default: path.join(repoRoot, '.aws-sam/build/SharpLayer') },
    function: { type: 'string' },
    'no-load': { type: 'boolean', default: false },
  },
});
const layer = path.resolve(values.layer);
const modules = path.join(layer, 'nodejs', 'node_modules');
const failures = [];
const ok = (message) => console.log(`ok   ${message}`);
const fail = (message) => {
  failures.push(message);
  console.log(`FAIL ${message}`);
};
const check = (condition, message) => (condition ? ok(message) : fail(message));

if (!existsSync(path.join(modules, 'sharp', 'package.json'))) {
  console.error(`No sharp in ${modules}: run \`sam build\` first.`);
  process.exit(1);
}

// 1. No symlinks.
const files = [];
const symlinks = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    const stat = lstatSync(full);
    if (stat.isSymbolicLink()) symlinks.push(path.relative(layer, full));
    else if (stat.isDirectory()) walk(full);
    else files.push({ full, size: stat.size });
  }
};
walk(layer);
check(
  symlinks.length === 0,
  `no symlinks (${files.length} files)${symlinks.length ? `: ${symlinks.slice(0, 5).join(', ')}` : ''}`,
);
const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
check(
  totalBytes < 200 * 1024 * 1024,
  `size ${(totalBytes / 1024 / 1024).toFixed(1)} MiB unzipped (Lambda allows 250 MiB with the function)`,
);

// 2. Binaries for both architectures, checked by their ELF header's e_machine.
const ELF_MACHINE = { x64: 62, arm64: 183 };
const elfMachine = (file) => {
  const header = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  readSync(fd, header, 0, 20, 0);
  closeSync(fd);
  if (header.readUInt32BE(0) !== 0x7f454c46) return undefined;
  return header.readUInt16LE(18);
};
const version = JSON.parse(
  readFileSync(path.join(modules, 'sharp', 'package.json'), 'utf8'),
).version;
for (const arch of ['arm64', 'x64']) {
  const addon = path.join(
    modules,
    '@img',
    `sharp-linux-${arch}`,
    'lib',
    `sharp-linux-${arch}-${version}.node`,
  );
  check(
    existsSync(addon) && elfMachine(addon) === ELF_MACHINE[arch],
    `sharp-linux-${arch}.node (${path.basename(addon)}, ELF ${arch})`,
  );
  const libDir = path.join(modules, '@img', `sharp-libvips-linux-${arch}`, 'lib');
  const libs = existsSync(libDir)
    ? readdirSync(libDir).filter((name) => /\.so(\.|$)/.test(name))
    : [];
  check(
    libs.length > 0 &&
      libs.every((name) => elfMachine(path.join(libDir, name)) === ELF_MACHINE[arch]),
    `libvips for linux-${arch} (${libs.join(', ') || 'missing'})`,
  );
}

// 3. Self-contained: every dependency of every package in the layer is in the layer.
const packages = readdirSync(modules).flatMap((name) =>
  name.startsWith('@')
    ? readdirSync(path.join(modules, name)).map((sub) => `${name}/${sub}`)
    : [name],
);
const missing = [];
for (const name of packages) {
  const manifest = JSON.parse(readFileSync(path.join(modules, name, 'package.json'), 'utf8'));
  for (const dep of Object.keys(manifest.dependencies ?? {})) {
    if (!packages.includes(dep)) missing.push(`${name} -> ${dep}`);
  }
}
check(
  missing.length === 0,
  `dependencies complete (${packages.join(', ')})${missing.length ? `; missing ${missing.join(', ')}` : ''}`,
);

// 4. Load it, the way Lambda does.
const hostArch = process.arch === 'x64' || process.arch === 'arm64' ? process.arch : undefined;
if (values['no-load']) {
  ok('load test skipped (--no-load)');
} else if (process.platform !== 'linux' || hostArch === undefined) {
  ok(`load test skipped: host is ${process.platform}-${process.arch}, the layer is for Linux`);
} else {
  const scratch = mkdtempSync(path.join(tmpdir(), 'sharp-layer-'));
  try {
    const run = (args, options) =>
      execFileSync(process.execPath, args, {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        ...options,
      });
    // 4a. require('sharp') with nothing but the layer on NODE_PATH.
    const empty = path.join(scratch, 'empty');
    mkdirSync(empty);
    try {
      const result = JSON.parse(
        run(
          [
            '-e',
            `const sharp = require('sharp');
             sharp({ create: { width: 64, height: 48, channels: 4, background: '#f80c' } })
               .png().toBuffer()
               .then((png) => sharp(png).rotate().resize({ width: 16, height: 16, fit: 'inside' }).webp().toBuffer())
               .then((webp) => sharp(webp).metadata())
               .then((m) => console.log(JSON.stringify({ resolved: require.resolve('sharp'), libvips: sharp.versions.vips,
                 format: m.format, width: m.width, height: m.height, hasAlpha: m.hasAlpha })));`,
          ],
          { cwd: empty, env: { PATH: process.env.PATH, NODE_PATH: modules } },
        ),
      );
      check(
        result.resolved.startsWith(modules) &&
          result.format === 'webp' &&
          result.width === 16 &&
          result.height === 12 &&
          result.hasAlpha,
        `require('sharp') from the layer on linux-${hostArch} (libvips ${result.libvips}) made a 16x12 WebP with alpha`,
      );
    } catch (error) {
      fail(
        `require('sharp') from the layer on linux-${hostArch}: ${error.stderr || error.message}`,
      );
    }

    // 4b. Lambda's layout: /var/task (function) and /opt (layers), NODE_PATH as Lambda sets it.
    const functionDir =
      values.function ??
      [
        path.join(repoRoot, '.aws-sam/build/ThumbnailsFunction'),
        path.join(repoRoot, 'services/thumbnails/dist/s3Event'),
      ].find((dir) => existsSync(path.join(dir, 'index.mjs')));
    if (functionDir === undefined) {
      fail('no function bundle found: run `pnpm --filter @shop/thumbnails build` (or sam build)');
    } else {
      const task = path.join(scratch, 'var', 'task');
      const opt = path.join(scratch, 'opt');
      cpSync(functionDir, task, { recursive: true });
      cpSync(layer, opt, { recursive: true }); // a copy, so resolved real paths are under <tmp>/opt
      writeFileSync(path.join(task, 'esm-probe.mjs'), "await import('sharp');\n");
      const lambdaEnv = {
        PATH: process.env.PATH,
        NODE_PATH: [
          `${opt}/nodejs/node24/node_modules`,
          `${opt}/nodejs/node_modules`,
          `${scratch}/var/runtime/node_modules`,
          task,
        ].join(':'),
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'verify',
        AWS_SECRET_ACCESS_KEY: 'verify',
        THUMBNAILS_BUCKET: 'verify-thumbnails',
        POWERTOOLS_METRICS_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      };
      try {
        const out = run(
          [
            '--input-type=module',
            '-e',
            `import { createRequire } from 'node:module';
             const index = ${JSON.stringify(path.join(task, 'index.mjs'))};
             const { handler } = await import(index);
             await handler({ Records: [] }, { awsRequestId: 'verify' });
             console.log(JSON.stringify({ handler: typeof handler, sharp: createRequire(index).resolve('sharp') }));`,
          ],
          { cwd: task, env: lambdaEnv },
        );
        const result = JSON.parse(out.trim().split('\n').pop());
        const good =
          result.handler === 'function' && result.sharp.startsWith(`${opt}/nodejs/node_modules/`);
        check(
          good,
          'bundle in <tmp>/var/task cold-starts and resolves sharp from <tmp>/opt/nodejs/node_modules (loaded with the first image; 4a loads it)' +
            (good ? '' : ` (got ${JSON.stringify(result)})`),
        );
      } catch (error) {
        fail(
          `bundle in <tmp>/var/task with the layer in <tmp>/opt: ${error.stderr || error.message}`,
        );
      }
      // Why the bundle loads sharp with require(): a plain ESM import ignores NODE_PATH.
      try {
        run([path.join(task, 'esm-probe.mjs')], { cwd: task, env: lambdaEnv });
        ok("note: ESM import('sharp') from /var/task also resolved on this Node");
      } catch {
        ok(
          "note: ESM import('sharp') from /var/task does not resolve via NODE_PATH (hence require)",
        );
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (failures.length > 0) {
  console.error(`\nSharpLayer check failed: ${failures.length} problem(s).`);
  process.exit(1);
}
console.log('\nSharpLayer check passed.');
