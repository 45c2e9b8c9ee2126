#!/usr/bin/env node
// Bundle every Lambda entry point of a service (src/handlers/<name>.ts) into
// dist/<name>/index.mjs: one self-contained ESM file per function, so the template's CodeUri
// points at a folder that needs no `npm install` (and `sam build` only copies it).
//
// Usage: shop-bundle [--external <module>]... [--entry <file>]...
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

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
await rm(outRoot, { recursive: true, force: true });

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

const sizes = {};
for (const entry of entries) {
  const name = path.basename(entry, '.ts');
  const outDir = path.join(outRoot, name);
  await mkdir(outDir, { recursive: true });
  const outfile = path.join(outDir, 'index.mjs');
  const result = await build(bundleOptions(entry, outfile, values.external));
  const output = result.metafile.outputs[path.relative(root, outfile)];
  const code = await readFile(outfile);
  sizes[name] = { bytes: output?.bytes ?? code.byteLength, gzipBytes: gzipSync(code).byteLength };
}

await writeFile(path.join(outRoot, 'bundle-sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
if (!values.quiet) {
  const pkg = path.basename(root);
  for (const [name, { bytes, gzipBytes }] of Object.entries(sizes)) {
    const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
    process.stdout.write(`${pkg}/${name}: ${kib(bytes)} (gzip ${kib(gzipBytes)})\n`);
  }
}
