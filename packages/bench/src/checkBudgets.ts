// `pnpm bench:check`: fail when a function bundle outgrows its budget (bench/budgets.json).
// Bundle sizes are deterministic for a given lockfile, so this runs in CI; the budgets sit
// just above today's sizes, so growth is a decision made in a diff, not an accident.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { findBundles, repoRoot } from './bundleSizes.ts';

interface Budget {
  bytes: number;
  gzipBytes: number;
}

const budgetsFile = path.join(repoRoot, 'packages', 'bench', 'budgets.json');
const budgets = JSON.parse(await readFile(budgetsFile, 'utf8')) as Record<string, Budget>;
const bundles = await findBundles();
const problems: string[] = [];

if (bundles.length === 0) problems.push('no bundles found: run `pnpm build` first');
for (const bundle of bundles) {
  const budget = budgets[bundle.id];
  if (budget === undefined) {
    problems.push(`${bundle.id}: no budget in packages/bench/budgets.json`);
    continue;
  }
  const status = bundle.bytes > budget.bytes || bundle.gzipBytes > budget.gzipBytes ? 'OVER' : 'ok';
  process.stdout.write(
    `${status.padEnd(4)} ${bundle.id.padEnd(28)} ${bundle.bytes} B (budget ${budget.bytes}), ` +
      `gzip ${bundle.gzipBytes} B (budget ${budget.gzipBytes})\n`,
  );
  if (status === 'OVER') problems.push(`${bundle.id}: over budget`);
}
for (const id of Object.keys(budgets)) {
  if (!bundles.some((bundle) => bundle.id === id)) problems.push(`${id}: budgeted but not built`);
}
if (problems.length > 0) {
  process.stderr.write(`bundle budgets failed:\n  ${problems.join('\n  ')}\n`);
  process.exit(1);
}
process.stdout.write(`bundle budgets: ${bundles.length} bundles within budget\n`);
