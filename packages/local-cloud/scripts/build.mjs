// Bundle the CLI (src/cli.ts) into dist/cli.mjs for `node`: this package's dependencies stay
// external and resolve from its node_modules. The Lambda bootstrap stays a plain file in src/.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
const external = Object.keys(manifest.dependencies).flatMap((name) => [name, `${name}/*`]);

await build({
  entryPoints: [path.join(root, 'src', 'cli.ts')],
  outfile: path.join(root, 'dist', 'cli.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  sourcemap: 'linked',
  external,
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
