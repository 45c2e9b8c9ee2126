import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LocalCloudDescriptor } from '../cloud/startLocalCloud.js';

/** What `dev` records for `token` and other tools: the cloud and its process. */
export type DevState = LocalCloudDescriptor & {
  pid: number;
  /** The token the banner showed (`dev --token-secret <id>`). */
  token?: string;
};

/** Where `dev` records the running cloud for a template. */
export const stateFileFor = (templatePath: string): string =>
  path.join(path.dirname(templatePath), 'node_modules', '.cache', 'local-cloud', 'dev.json');

/** Whether a process with this id exists (EPERM: it does, but belongs to someone else). */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A recycled pid is not our run: on Linux the command line tells.
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdline)) return true;
  try {
    return /cli\.[mc]?[jt]s/.test(readFileSync(cmdline, 'utf8'));
  } catch {
    return true;
  }
};

export const readDevState = async (file: string): Promise<DevState | undefined> => {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DevState;
  } catch {
    return undefined;
  }
};

export const writeDevState = async (file: string, state: DevState): Promise<void> => {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(state, null, 2)}\n`);
};

/** Remove the state file if it is still this process's (a later run may have replaced it). */
export const removeDevState = async (file: string, pid = process.pid): Promise<void> => {
  const state = await readDevState(file);
  if (state === undefined || state.pid === pid) await rm(file, { force: true });
};

/** Every loopback port a recorded run listens on: its APIs and embedded backends. */
export const portsOf = (state: DevState): number[] => {
  const urls = [
    ...Object.values(state.apiUrls ?? {}),
    ...(state.backends?.mode === 'embedded' ? Object.values(state.backends.endpoints) : []),
  ];
  const ports = urls.flatMap((url) => {
    try {
      return [Number(new URL(url).port)];
    } catch {
      return [];
    }
  });
  return [...new Set(ports.filter((port) => port > 0))];
};

/** The ports a start with these settings asks for (0 = any free port, never a clash). */
export const requestedPorts = (options: {
  port: number;
  apiCount?: number;
  backendBase?: number;
}): number[] => {
  const api =
    options.port === 0
      ? []
      : Array.from({ length: options.apiCount ?? 1 }, (_, i) => options.port + i);
  const backends =
    options.backendBase === undefined || options.backendBase === 0
      ? []
      : [0, 1, 2, 3].map((i) => (options.backendBase as number) + i);
  return [...api, ...backends];
};

/** What a new start should do about the state an earlier run left. */
export type PreviousRun =
  | { kind: 'none' }
  | { kind: 'stale'; message: string }
  | { kind: 'running'; message: string; clash: boolean };

/**
 * Look at the state file before starting: a run whose process is gone left it behind
 * (harmless, replaced); a live run on the same ports would make this start fail half-way,
 * so it is named with what to do, in one line.
 */
export const checkPreviousRun = async (
  file: string,
  wanted: number[],
  alive: (pid: number) => boolean = isAlive,
): Promise<PreviousRun> => {
  const state = await readDevState(file);
  if (state === undefined || typeof state.pid !== 'number' || state.pid === process.pid)
    return { kind: 'none' };
  const shown = path.relative(process.cwd(), file) || file;
  if (!alive(state.pid)) {
    return {
      kind: 'stale',
      message: `${shown} is from an earlier run (pid ${state.pid}) that did not stop cleanly; replacing it, nothing to do`,
    };
  }
  const held = portsOf(state);
  const clashes = wanted.filter((port) => held.includes(port));
  const where = state.apiUrl ? `, API ${state.apiUrl}` : '';
  if (clashes.length > 0) {
    return {
      kind: 'running',
      clash: true,
      message: `already running from this template (pid ${state.pid}${where}) on port${clashes.length === 1 ? '' : 's'} ${clashes.join(', ')}: stop it (Ctrl+C in its terminal, or kill ${state.pid}), or start this one with --port 0 --backend-port 0`,
    };
  }
  return {
    kind: 'running',
    clash: false,
    message: `another local-cloud runs from this template (pid ${state.pid}${where}); ${shown} now describes this one, so tools reading it (token, a demo) reach this run`,
  };
};

/** A start refused because an earlier run still holds the ports (the message says what to do). */
export class PreviousRunError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PreviousRunError';
  }
}
