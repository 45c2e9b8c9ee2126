// Vitest global setup: the CLI tests run dist/cli.mjs, the bundle users run, so build it from
// the current sources first (esbuild, a fraction of a second).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function buildCli(): void {
  const script = path.resolve(import.meta.dirname, '..', '..', 'scripts', 'build.mjs');
  execFileSync(process.execPath, [script], { stdio: 'inherit' });
}
