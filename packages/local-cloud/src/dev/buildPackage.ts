import { spawn } from 'node:child_process';
import path from 'node:path';
import { killProcessGroup } from '../lambda/killProcessGroup.js';
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
 * `signal` stops it: pnpm, its shell and the bundler (one process group) are killed, and the
 * promise resolves once they have ended, so nothing rewrites dist/ afterwards.
 */
export const runBuild = (dir: string, signal?: AbortSignal): Promise<BuildResult> =>
  new Promise((resolve) => {
    if (signal?.aborted) {
      resolve({ ok: false, output: 'stopped before it started' });
      return;
    }
    const { command, args } = packageManager();
    const child = spawn(command, [...args, '--silent', 'run', 'build'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
      // A group of its own: stopping kills the script's children too, not pnpm alone.
      detached: true,
    });
    const stop = () => killProcessGroup(child);
    signal?.addEventListener('abort', stop, { once: true });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => {
      signal?.removeEventListener('abort', stop);
      resolve({ ok: false, output: error.message });
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', stop);
      resolve(
        signal?.aborted
          ? { ok: false, output: 'stopped' }
          : { ok: code === 0, output: output.trim() },
      );
    });
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
