import { spawn } from 'node:child_process';
import path from 'node:path';
import type { RunnerLog } from './log.js';

/** The pnpm that started us (npm_execpath) or the one on PATH. */
const packageManager = (): { command: string; args: string[] } => {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(path.basename(execPath))) {
    return /\.[cm]?js$/.test(execPath)
      ? { command: process.execPath, args: [execPath] }
      : { command: execPath, args: [] };
  }
  return { command: 'pnpm', args: [] };
};

/** The outcome of a package's build: its own output (pnpm's banner left out). */
export interface BuildResult {
  ok: boolean;
  output: string;
}

/**
 * Run a workspace package's `build` script (`pnpm --silent run build` in its folder), so
 * the output is the build's own: esbuild's errors with file and line, no pnpm banner.
 */
export const runBuild = (dir: string): Promise<BuildResult> =>
  new Promise((resolve) => {
    const { command, args } = packageManager();
    const child = spawn(command, [...args, '--silent', 'run', 'build'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => resolve({ ok: false, output: error.message }));
    child.on('close', (code) => resolve({ ok: code === 0, output: output.trim() }));
  });

/**
 * {@link runBuild}, resolving `true` on success and logging the output on failure.
 */
export const buildPackage = async (
  dir: string,
  log: RunnerLog,
  label = path.basename(dir),
): Promise<boolean> => {
  const { ok, output } = await runBuild(dir);
  if (!ok) log.error(`build of ${label} failed:\n${output}`);
  return ok;
};
