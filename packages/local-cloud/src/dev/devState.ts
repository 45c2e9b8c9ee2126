import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
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

/** Where one run (by pid) records its state, beside the shared file. */
const runFileFor = (file: string, pid: number): string =>
  path.join(path.dirname(file), 'runs', `${pid}.json`);

/** Write a state whole or not at all: a reader never sees half a file. */
const writeAtomically = async (file: string, state: DevState): Promise<void> => {
  await mkdir(path.dirname(file), { recursive: true });
  const staging = `${file}.${process.pid}.tmp`;
  await writeFile(staging, `${JSON.stringify(state, null, 2)}\n`);
  await rename(staging, file);
};

/**
 * Record a run: the shared file (what `token` and a demo read) now describes it, and its own
 * file (runs/<pid>.json) keeps it findable while a later run holds the shared one.
 */
export const writeDevState = async (file: string, state: DevState): Promise<void> => {
  await writeAtomically(runFileFor(file, state.pid), state);
  await writeAtomically(file, state);
};

/** The runs recorded in runs/ that are still alive, pruning the files of runs that are gone. */
const liveRuns = async (
  file: string,
  alive: (pid: number) => boolean,
): Promise<{ state: DevState; writtenAt: number }[]> => {
  const dir = path.dirname(runFileFor(file, 0));
  const names = await readdir(dir).catch(() => [] as string[]);
  const runs: { state: DevState; writtenAt: number }[] = [];
  for (const name of names.filter((n) => /^\d+\.json$/.test(n))) {
    const runFile = path.join(dir, name);
    const state = await readDevState(runFile);
    if (state === undefined || typeof state.pid !== 'number' || !alive(state.pid)) {
      await rm(runFile, { force: true });
      continue;
    }
    // Gone since it was read (that run just stopped): not a live run.
    const written = await stat(runFile).catch(() => undefined);
    if (written !== undefined) runs.push({ state, writtenAt: written.mtimeMs });
  }
  return runs;
};

/** The most recently started run that is still alive, pruning the files of runs that are gone. */
const newestLiveRun = async (
  file: string,
  alive: (pid: number) => boolean,
): Promise<DevState | undefined> => {
  const runs = await liveRuns(file, alive);
  return runs.reduce<(typeof runs)[number] | undefined>(
    (newest, run) => (newest === undefined || run.writtenAt > newest.writtenAt ? run : newest),
    undefined,
  )?.state;
};

/**
 * Forget this run. If the shared file is still its own, it goes back to the newest run that
 * is still alive (one started earlier on other ports), or away when there is none; if a later
 * run replaced it, it stays as it is.
 */
export const removeDevState = async (
  file: string,
  pid = process.pid,
  alive: (pid: number) => boolean = isAlive,
): Promise<void> => {
  await rm(runFileFor(file, pid), { force: true });
  const current = await readDevState(file);
  if (current !== undefined && current.pid !== pid) return;
  const earlier = await newestLiveRun(file, (other) => other !== pid && alive(other));
  if (earlier === undefined) await rm(file, { force: true });
  else await writeAtomically(file, earlier);
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
  const read = await readDevState(file);
  const state =
    read !== undefined && typeof read.pid === 'number' && read.pid !== process.pid
      ? read
      : undefined;
  const live = state !== undefined && alive(state.pid);
  if (state !== undefined && live) {
    const clash = clashWith(state, wanted);
    if (clash !== undefined) return clash;
  }
  // The shared file names the newest run only: an earlier one, on other ports than the newest,
  // is recorded in runs/ alone and may hold these ports too.
  for (const { state: run } of await liveRuns(file, alive)) {
    if (run.pid === process.pid || run.pid === state?.pid) continue;
    const clash = clashWith(run, wanted);
    if (clash !== undefined) return clash;
  }
  if (state === undefined) return { kind: 'none' };
  const shown = path.relative(process.cwd(), file) || file;
  if (!live) {
    return {
      kind: 'stale',
      message: `${shown} is from an earlier run (pid ${state.pid}) that did not stop cleanly; replacing it, nothing to do`,
    };
  }
  const where = state.apiUrl ? `, API ${state.apiUrl}` : '';
  return {
    kind: 'running',
    clash: false,
    message: `another local-cloud runs from this template (pid ${state.pid}${where}); ${shown} now describes this one, so tools reading it (token, a demo) reach this run, and the earlier one again when this one stops`,
  };
};

/** The refusal to start when a live run holds some of the wanted ports, naming it. */
const clashWith = (state: DevState, wanted: number[]): PreviousRun | undefined => {
  const held = portsOf(state);
  const clashes = wanted.filter((port) => held.includes(port));
  if (clashes.length === 0) return undefined;
  const where = state.apiUrl ? `, API ${state.apiUrl}` : '';
  return {
    kind: 'running',
    clash: true,
    message: `already running from this template (pid ${state.pid}${where}) on port${clashes.length === 1 ? '' : 's'} ${clashes.join(', ')}: stop it (Ctrl+C in its terminal, or kill ${state.pid}), or start this one with --port 0 --backend-port 0`,
  };
};

/** A start refused because an earlier run still holds the ports (the message says what to do). */
export class PreviousRunError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PreviousRunError';
  }
}
