#!/usr/bin/env node
// Copy sharp and everything it needs at runtime on Linux (glibc) arm64 and x64 into a flat
// node_modules folder, as real files. Used by the Makefile; runs on Node 20+ with no
// dependencies.
//
// Usage: node collect.mjs --from <dir whose node_modules has sharp> --version <x.y.z> --out <dir>
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    version: { type: 'string' },
    out: { type: 'string' },
  },
});
if (!values.from || !values.version || !values.out) {
  console.error('usage: collect.mjs --from <dir> --version <x.y.z> --out <dir>');
  process.exit(2);
}

// Lambda (arm64) and `sam local` on most machines (x64); glibc only (Amazon Linux 2023).
const TARGET_PLATFORMS = /-linux-(arm64|x64)$/;

/** Node's lookup: <dir>/node_modules/<name>, walking up. pnpm puts a package's dependencies
 * next to it in .pnpm/<pkg>@<version>/node_modules, which this walk finds. */
const findPackage = (name, fromDir) => {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate =
      path.basename(dir) === 'node_modules'
        ? path.join(dir, name)
        : path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return realpathSync(candidate);
    if (path.dirname(dir) === dir) return undefined;
  }
};

const readManifest = (dir) => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));

const sharpDir = findPackage('sharp', path.resolve(values.from));
if (!sharpDir) throw new Error(`sharp is not installed for ${values.from}: run pnpm install`);
const sharpVersion = readManifest(sharpDir).version;
if (sharpVersion !== values.version) {
  throw new Error(
    `Installed sharp is ${sharpVersion}, the Makefile pins ${values.version}: update SHARP_VERSION`,
  );
}

/** name -> real directory, for sharp and its runtime closure on the target platforms. */
const closure = new Map();
const visit = (name, dir) => {
  if (closure.has(name)) return;
  closure.set(name, dir);
  const manifest = readManifest(dir);
  const wanted = [
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}).filter((dep) => TARGET_PLATFORMS.test(dep)),
  ];
  for (const dep of wanted) {
    const depDir = findPackage(dep, dir);
    if (!depDir) {
      throw new Error(
        `${dep} (needed by ${name}) is not installed: pnpm-workspace.yaml must list linux ` +
          'x64 and arm64 under supportedArchitectures, then run pnpm install',
      );
    }
    visit(dep, depDir);
  }
};
visit('sharp', sharpDir);

const out = path.resolve(values.out);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const [name, dir] of [...closure].sort(([a], [b]) => a.localeCompare(b))) {
  const target = path.join(out, name);
  mkdirSync(path.dirname(target), { recursive: true });
  // dereference: copy what symlinks point at (pnpm links everything), never the links.
  cpSync(dir, target, {
    recursive: true,
    dereference: true,
    filter: (source) => path.basename(source) !== 'node_modules',
  });
  console.log(`${name}@${readManifest(dir).version}`);
}
