// `pnpm --filter @shop/bench analyze [-- <service>/<function>] [--top N]`: what a function
// bundle is made of, bytes of output per npm package (esbuild metafile), to find what makes
// a bundle heavy. Rebuilds in memory with shop-bundle's own settings (bundleOptions of
// packages/tooling/bin/bundle.mjs).
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bundleOptions } from '@shop/tooling/bundle';
import { build } from 'esbuild';
import { repoRoot } from './bundleSizes.ts';
import { kib, markdownTable } from './lib/table.ts';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  allowPositionals: true,
  options: { top: { type: 'string', default: '12' } },
});

/** `node_modules/<pkg>/...` -> `<pkg>`; workspace sources -> their package folder. */
const owner = (input: string): string => {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(input);
  if (match?.[1]) return match[1];
  const workspace = /(?:^|\/)(packages|services)\/([^/]+)\//.exec(path.resolve(repoRoot, input));
  return workspace ? `${workspace[1]}/${workspace[2]}` : input;
};

const analyze = async (service: string, fn: string) => {
  const serviceDir = path.join(repoRoot, 'services', service);
  const result = await build({
    ...bundleOptions(
      path.join(serviceDir, 'src', 'handlers', `${fn}.ts`),
      path.join(serviceDir, 'dist', fn, 'index.mjs'),
      // Only the thumbnailer has an external (sharp, from its layer).
      service === 'thumbnails' ? ['sharp'] : [],
    ),
    absWorkingDir: serviceDir,
    write: false,
    sourcemap: false,
  });
  const output = Object.values(result.metafile?.outputs ?? {})[0];
  if (output === undefined) throw new Error(`${service}/${fn}: no output`);
  const perOwner = new Map<string, { bytes: number; files: number }>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const entry = perOwner.get(owner(input)) ?? { bytes: 0, files: 0 };
    entry.bytes += bytesInOutput;
    entry.files += 1;
    perOwner.set(owner(input), entry);
  }
  const rows = [...perOwner]
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, Number(values.top))
    .map(([name, { bytes, files }]) => [
      name,
      kib(bytes),
      `${((100 * bytes) / output.bytes).toFixed(1)} %`,
      files,
    ]);
  process.stdout.write(
    `\n### ${service}/${fn}: ${kib(output.bytes)}\n\n${markdownTable(['package', 'bytes', 'share', 'files'], rows)}\n`,
  );
};

const targets: [string, string][] = [];
for (const service of (await readdir(path.join(repoRoot, 'services'))).sort()) {
  const handlers = await readdir(path.join(repoRoot, 'services', service, 'src', 'handlers'));
  for (const file of handlers.filter((f) => f.endsWith('.ts')).sort()) {
    targets.push([service, path.basename(file, '.ts')]);
  }
}
const wanted = targets.filter(
  ([service, fn]) => positionals.length === 0 || positionals.includes(`${service}/${fn}`),
);
if (wanted.length === 0) throw new Error(`no such function: ${positionals.join(', ')}`);
for (const [service, fn] of wanted) await analyze(service, fn);
