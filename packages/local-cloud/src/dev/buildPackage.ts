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

/**
 * Run a workspace package's `build` script (`pnpm run build` in its folder); resolves
 * `true` on success, logs the output on failure.
 */
export const buildPackage = (
  dir: string,
  log: RunnerLog,
  label = path.basename(dir),
): Promise<boolean> =>
  new Promise((resolve) => {
    const { command, args } = packageManager();
    const child = spawn(command, [...args, 'run', 'build'], {
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
    child.on('error', (error) => {
      log.error(`build of ${label}: ${error.message}`);
      resolve(false);
    });
    child.on('exit', (code) => {
      if (code !== 0) log.error(`build of ${label} failed:\n${output.trim()}`);
      resolve(code === 0);
    });
  });
