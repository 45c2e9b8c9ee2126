#!/usr/bin/env node
// Bundle every Lambda entry point of a service (src/handlers/<name>.ts) into
// dist/<name>/index.mjs: one self-contained ESM file per function, so the template's CodeUri
// points at a folder that needs no `npm install` (and `sam build` only copies it).
//
// Every function is built into a fresh folder next to dist/ first; only when all of them
// built does each file move into dist/<name>/ by rename(2), which replaces a file atomically.
// A function that cold-starts during a rebuild therefore loads either the old bundle or the
// new one, never a half-written or missing file, and a failed build leaves dist/ as it was
// (and exits 1 with esbuild's errors, file and line). Files, not folders, are renamed: Linux
// cannot rename a folder over a non-empty one, and a running function keeps its cwd.
//
// Usage: shop-bundle [--external <module>]... [--entry <file>]...
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, formatMessages } from 'esbuild';

const { values } = parseArgs({
  options: {
    external: { type: 'string', multiple: true, default: [] },
    entry: { type: 'string', multiple: true, default: [] },
    quiet: { type: 'boolean', default: false },
  },
});

const root = process.cwd();
const handlersDir = path.join(root, 'src', 'handlers');
const entries =
  values.entry.length > 0
    ? values.entry
    : (await readdir(handlersDir))
        .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
        .map((file) => path.join('src', 'handlers', file));

const outRoot = path.join(root, 'dist');

// An ESM `import ... from 'node:http'` makes Node build the module's ESM facade, which reads
// every export up front and so loads lazily-loaded internals (for node:http, undici):
// measured ~95 ms of a cold start, against ~12 ms through process.getBuiltinModule. Bundled
// code reaches built-ins through getBuiltinModule instead; it cut cold init by about 13 % for
// every function (packages/bench, median of 15, side by side).
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const builtinsWithoutEsmFacade = {
  name: 'builtins-without-esm-facade',
  setup(build) {
    build.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
      BUILTINS.has(args.path)
        ? { path: args.path.replace(/^node:/, ''), namespace: 'node-builtin' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(`node:${args.path}`)});`,
      loader: 'js',
    }));
  },
};

/** esbuild settings shared by every function; exported for benchmarks and checks. */
export const bundleOptions = (entry, outfile, external) => ({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  metafile: true,
  // Prefer ESM builds of dependencies (the SDK's dist-es), which tree-shake.
  mainFields: ['module', 'main'],
  external,
  plugins: [builtinsWithoutEsmFacade],
  // Some CommonJS dependencies call require() for Node built-ins; give ESM output one.
  banner: {
    js: "import{createRequire as __shopCreateRequire}from'node:module';const require=__shopCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

/** Move every file of `from` into `to` by rename (atomic per file), then drop what is stale. */
const swapInto = async (from, to) => {
  await mkdir(to, { recursive: true });
  const fresh = await readdir(from);
  // The entry file last, so its source map is in place when it appears.
  fresh.sort((a, b) => Number(a === 'index.mjs') - Number(b === 'index.mjs'));
  for (const file of fresh) await rename(path.join(from, file), path.join(to, file));
  const keep = new Set(fresh);
  for (const file of await readdir(to)) {
    if (!keep.has(file)) await rm(path.join(to, file), { recursive: true, force: true });
  }
};

const staging = await mkdtemp(path.join(root, '.dist-next-'));
try {
  const sizes = {};
  const failures = [];
  for (const entry of entries) {
    const name = path.basename(entry, '.ts');
    const outfile = path.join(staging, name, 'index.mjs');
    try {
      // The errors are printed once, below, with file and line; not by esbuild as well.
      const result = await build({
        ...bundleOptions(entry, outfile, values.external),
        logLevel: 'silent',
      });
      const output = result.metafile.outputs[path.relative(root, outfile)];
      const code = await readFile(outfile);
      sizes[name] = {
        bytes: output?.bytes ?? code.byteLength,
        gzipBytes: gzipSync(code).byteLength,
      };
    } catch (error) {
      if (!Array.isArray(error?.errors)) throw error;
      failures.push(...error.errors);
    }
  }
  if (failures.length > 0) {
    const color = process.stderr.isTTY === true && !process.env.NO_COLOR;
    const text = await formatMessages(failures, { kind: 'error', color });
    process.stderr.write(text.join(''));
    process.stderr.write(
      `shop-bundle: ${path.basename(root)}: build failed (${failures.length} error${failures.length === 1 ? '' : 's'}); dist/ still holds the previous bundle\n`,
    );
    process.exitCode = 1;
  } else {
    await mkdir(outRoot, { recursive: true });
    for (const name of Object.keys(sizes)) {
      await swapInto(path.join(staging, name), path.join(outRoot, name));
    }
    await writeFile(path.join(staging, 'bundle-sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
    await rename(path.join(staging, 'bundle-sizes.json'), path.join(outRoot, 'bundle-sizes.json'));
    // Functions whose handler is gone: their folder goes (nothing can reference it any more).
    for (const entry of await readdir(outRoot, { withFileTypes: true })) {
      if (entry.isDirectory() && !(entry.name in sizes)) {
        await rm(path.join(outRoot, entry.name), { recursive: true, force: true });
      }
    }
    if (!values.quiet) {
      const pkg = path.basename(root);
      for (const [name, { bytes, gzipBytes }] of Object.entries(sizes)) {
        const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
        process.stdout.write(`${pkg}/${name}: ${kib(bytes)} (gzip ${kib(gzipBytes)})\n`);
      }
    }
  }
} finally {
  await rm(staging, { recursive: true, force: true });
}
