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
// Imported (`@shop/tooling/bundle`), it builds nothing and exports the settings
// (bundleOptions, bundleFunction, FEATURES) for benchmarks and checks.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, formatMessages } from 'esbuild';

// An ESM `import ... from 'node:http'` makes Node build the module's ESM facade, which reads
// every export up front and so loads lazily-loaded internals (for node:http, undici):
// measured ~95 ms of a cold start, against ~12 ms through process.getBuiltinModule. Bundled
// code reaches built-ins through getBuiltinModule instead; it cut cold init by about 13 % for
// every function (packages/bench, median of 15, side by side).
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const builtinsWithoutEsmFacade = {
  name: 'builtins-without-esm-facade',
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z0-9_/]+$/ }, (args) =>
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

// Lambda gives a function its credentials in the environment; the SDK's default chain
// (@aws-sdk/credential-provider-node, imported by every client's runtimeConfig) also carries
// profile files, SSO, web identity, process and container/instance metadata providers and the
// STS/SSO clients they use (@aws-sdk/nested-clients): about 80 KiB of every bundle that never
// runs there. It is replaced by shims/envCredentials.mjs (the environment provider only).
// The shim imports @aws-sdk/credential-provider-env as the real chain would (resolved from the
// real package's folder), so the bundle gets no second copy of @aws-sdk/core.
const ENV_CREDENTIALS_SHIM = fileURLToPath(new URL('./shims/envCredentials.mjs', import.meta.url));
const envCredentialsOnly = {
  name: 'env-credentials-only',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, async (args) => {
      if (args.pluginData?.realChain) return undefined;
      const real = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: { realChain: true },
      });
      const from =
        real.errors.length === 0 ? path.dirname(real.path) : path.dirname(ENV_CREDENTIALS_SHIM);
      return { path: path.join(from, 'env-credentials-shim.mjs'), namespace: 'env-credentials' };
    });
    build.onLoad({ filter: /.*/, namespace: 'env-credentials' }, async (args) => ({
      contents: await readFile(ENV_CREDENTIALS_SHIM, 'utf8'),
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }));
  },
};

// Every SDK client imports its whole package.json (2-2.4 KiB: scripts, dependencies, ...) for
// one field, `packageInfo.version` (the user agent); only that field is bundled.
const SDK_PACKAGE_JSON = /[\\/]@aws-sdk[\\/][^\\/]+[\\/]package\.json$/;
const sdkPackageVersionOnly = {
  name: 'sdk-package-version-only',
  setup(build) {
    build.onLoad({ filter: SDK_PACKAGE_JSON }, async (args) => {
      const { version } = JSON.parse(await readFile(args.path, 'utf8'));
      return { contents: JSON.stringify({ version }), loader: 'json' };
    });
  },
};

// zod exports every locale (`z.locales`, 60 message catalogues, ~330 KiB minified) from its
// namespace; a bundle that uses the namespace as a value (`import * as z from 'zod/mini'`,
// then `export { z }` or `z[name]`) carries them all, though run-time code only ever
// configures one (en). zod's locale index is replaced by one that keeps `en` and turns every
// other locale into a function that says it was left out.
const ZOD_LOCALES = /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/;
const zodEnglishOnly = {
  name: 'zod-locales-english-only',
  setup(build) {
    build.onLoad({ filter: ZOD_LOCALES }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const names = [...source.matchAll(/default as (\w+)/g)].map((m) => m[1]);
      const lines = names.map((name) =>
        name === 'en'
          ? 'export { default as en } from "./en.js";'
          : `export const ${name} = () => missing(${JSON.stringify(name)});`,
      );
      return {
        contents: [
          'const missing = (name) => {',
          "  throw new Error('zod locale ' + name + ' is not in this bundle (shop-bundle keeps en only)');",
          '};',
          ...lines,
        ].join('\n'),
        resolveDir: path.dirname(args.path),
        loader: 'js',
      };
    });
  },
};

/**
 * What shop-bundle does beyond plain esbuild; each switch can be turned off to measure what it
 * buys (packages/bench: `pnpm --filter @shop/bench bench --only variants`).
 */
export const FEATURES = Object.freeze({
  /**
   * Keep function and class names through minification (esbuild `keepNames`): aws-lambda-ric
   * logs an error's `constructor.name` as its errorType ("ha" instead of
   * "UnexpectedBatchTypeError" without it).
   */
  keepNames: true,
  /** Credentials from the environment only (see envCredentialsOnly above). */
  envCredentials: true,
  /** Only `version` of the SDK packages' package.json (see sdkPackageVersionOnly above). */
  slimPackageJson: true,
  /** zod's English messages only (see zodEnglishOnly above). */
  zodEnglishOnly: true,
  /**
   * Ship a V8 code cache made at build time (Node's module compile cache, portable mode):
   * index.mjs becomes a loader that enables the cache in ./.node-compile-cache and imports
   * the bundle (handler.mjs). Node ignores a cache made by another V8 (it falls back to
   * compiling). Off: it did not pay on Node 24 (see packages/bench/README.md).
   */
  compileCache: false,
});

/** esbuild settings shared by every function; exported for benchmarks and checks. */
export const bundleOptions = (entry, outfile, external = [], features = FEATURES) => ({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  keepNames: features.keepNames,
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  metafile: true,
  // Prefer ESM builds of dependencies (the SDK's dist-es), which tree-shake.
  mainFields: ['module', 'main'],
  external,
  plugins: [
    builtinsWithoutEsmFacade,
    ...(features.envCredentials ? [envCredentialsOnly] : []),
    ...(features.slimPackageJson ? [sdkPackageVersionOnly] : []),
    ...(features.zodEnglishOnly ? [zodEnglishOnly] : []),
  ],
  // Some CommonJS dependencies call require() for Node built-ins; give ESM output one.
  banner: {
    js: "import{createRequire as __shopCreateRequire}from'node:module';const require=__shopCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

const COMPILE_CACHE_DIR = '.node-compile-cache';

/** Loads the cache and the bundle; re-exports the bundle's exports (the template's Handler). */
const compileCacheLoader = (exports) =>
  [
    "import{enableCompileCache as e}from'node:module';",
    `try{e?.({directory:import.meta.dirname+'/${COMPILE_CACHE_DIR}',portable:true})}catch{}`,
    `export const{${exports.join(',')}}=await import('./handler.mjs');`,
    '',
  ].join('\n');

/**
 * Compile handler.mjs once in a child Node with the compile cache on, so the V8 code cache
 * lands in `dir`/.node-compile-cache. The module's scope may fail (no configuration here):
 * the cache is made when the module is compiled, before it runs.
 */
const makeCompileCache = (dir) =>
  new Promise((resolve, reject) => {
    const script = [
      "import m from 'node:module';",
      `m.enableCompileCache({directory:${JSON.stringify(path.join(dir, COMPILE_CACHE_DIR))},portable:true});`,
      `try{await import(${JSON.stringify(pathToFileURL(path.join(dir, 'handler.mjs')).href)})}catch{}`,
      'm.flushCompileCache();process.exit(0);',
    ].join('');
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' },
      stdio: 'ignore',
      timeout: 60_000,
    });
    child.on('error', reject);
    child.on('close', () => resolve());
  });

/**
 * Bundle one entry point into `outDir` (index.mjs and its source map), as shop-bundle does;
 * sizes of the result (of the code Node compiles: handler.mjs with `compileCache`).
 * esbuild's errors are thrown (an error with `errors`).
 */
export const bundleFunction = async (
  entry,
  outDir,
  { external = [], features = FEATURES } = {},
) => {
  const outfile = path.join(outDir, features.compileCache ? 'handler.mjs' : 'index.mjs');
  const result = await build({
    ...bundleOptions(entry, outfile, external, features),
    logLevel: 'silent',
  });
  const code = await readFile(outfile);
  if (features.compileCache) {
    const output = Object.entries(result.metafile.outputs).find(([file]) =>
      file.endsWith('handler.mjs'),
    )?.[1];
    await writeFile(path.join(outDir, 'index.mjs'), compileCacheLoader(output?.exports ?? []));
    await makeCompileCache(outDir);
  }
  return {
    bytes: code.byteLength,
    gzipBytes: gzipSync(code).byteLength,
    metafile: result.metafile,
  };
};

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

const main = async () => {
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

  const staging = await mkdtemp(path.join(root, '.dist-next-'));
  try {
    const sizes = {};
    const failures = [];
    for (const entry of entries) {
      const name = path.basename(entry, '.ts');
      try {
        // The errors are printed once, below, with file and line; not by esbuild as well.
        const { bytes, gzipBytes } = await bundleFunction(entry, path.join(staging, name), {
          external: values.external,
        });
        sizes[name] = { bytes, gzipBytes };
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
      await writeFile(
        path.join(staging, 'bundle-sizes.json'),
        `${JSON.stringify(sizes, null, 2)}\n`,
      );
      await rename(
        path.join(staging, 'bundle-sizes.json'),
        path.join(outRoot, 'bundle-sizes.json'),
      );
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
};

if (import.meta.main) await main();
