// Generated files kept in the repository (openapi.yaml): write them, or with `--check` fail
// when the committed file differs from what the generator makes (the drift check).
import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Render `file` and write it if it changed; with `--check` on the command line only compare,
 * and set a failing exit code naming `command` when it is out of date.
 *
 * @param {string} file
 * @param {(current: string) => string} render gets the current content ('' before the first run)
 * @param {string} command how to regenerate, for the error message
 */
export const syncGeneratedFile = (file, render, command) => {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // first run
  }
  const next = render(current);
  if (process.argv.includes('--check')) {
    if (next === current) return;
    process.stderr.write(`${file} is out of date: run ${command}\n`);
    process.exitCode = 1;
    return;
  }
  if (next !== current) writeFileSync(file, next);
  process.stdout.write(`${file} ${next === current ? 'is up to date' : 'rewritten'}\n`);
};
