#!/usr/bin/env node
// One closing line for the whole monorepo's test run: every package's Vitest JSON report
// (reports/vitest.json, restored from turbo's cache on cached runs) added up.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const group of ['packages', 'services']) {
  const dirs = await readdir(path.join(root, group)).catch(() => []);
  for (const dir of dirs) {
    const pkg = path.join(root, group, dir);
    const hasTests = await readdir(path.join(pkg, 'tests')).then(
      () => true,
      () => false,
    );
    if (!hasTests) continue;
    try {
      const report = JSON.parse(await readFile(path.join(pkg, 'reports', 'vitest.json'), 'utf8'));
      passed += report.numPassedTests;
      failed += report.numFailedTests;
      skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    } catch {
      missing.push(`${group}/${dir}`);
    }
  }
}
if (missing.length > 0) {
  process.stdout.write(`no test report from: ${missing.join(', ')}\n`);
  failed += missing.length;
}
process.stdout.write(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(failed > 0 ? 1 : 0);
