// Where the CPU time of a measured load goes, per request, by process: the load generator,
// this process (the runner with its embedded backends), the function processes (the
// runner's environments, or the in-process children), the rest of the machine, and what
// stayed idle. A throughput ratio alone cannot say whether the runner or the environments
// hold the local API back; this can. Linux only (/proc); elsewhere there is no breakdown.
import { readdirSync, readFileSync } from 'node:fs';
import { round } from './stats.ts';

/** CPU time per request, in ms, summed over cores. */
export interface CpuPerRequest {
  /** The HTTP load generator's own process (API side only). */
  loadGenerator?: number;
  /** This process: local-cloud's runner and the embedded backends both sides call. */
  runnerAndBackends: number;
  /** The child processes of this one: function environments, in-process children. */
  functions: number;
  /** Everything else that ran on the machine meanwhile (kernel threads, other work). */
  other: number;
  /** Cores left idle. */
  idle: number;
}

/** The CPU time a request kept busy, every process counted (idle left out). */
export const busyMs = (cpu: CpuPerRequest): number =>
  (cpu.loadGenerator ?? 0) + cpu.runnerAndBackends + cpu.functions + cpu.other;

/** What {@link withCpu} reads before and after a load. */
export interface Snapshot {
  /** Every core's busy and idle time, in clock ticks. */
  total: number;
  idle: number;
  /** Ticks (user + system) of this process's children, by pid. */
  children: Map<number, number>;
  self: NodeJS.CpuUsage;
}

/** Linux reports these times in USER_HZ ticks: 100 per second on every architecture Node runs on. */
const TICK_MS = 10;

const readTicks = (): Pick<Snapshot, 'total' | 'idle'> => {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] as string)
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user).
  const used = fields.slice(0, 8);
  return {
    total: used.reduce((sum, value) => sum + value, 0),
    idle: (used[3] ?? 0) + (used[4] ?? 0),
  };
};

/** A process's parent and its user + system ticks, from /proc/<pid>/stat. */
const processTicks = (pid: string): { ppid: number; ticks: number } | undefined => {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone meanwhile
  }
  // The command name may hold spaces and parentheses: the fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
};

const snapshot = (): Snapshot => {
  const children = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = processTicks(entry);
    if (info?.ppid === process.pid) children.set(Number(entry), info.ticks);
  }
  return { ...readTicks(), children, self: process.cpuUsage() };
};

const supported = (() => {
  try {
    readTicks();
    return processTicks(String(process.pid)) !== undefined;
  } catch {
    return false;
  }
})();

/** A load's outcome as {@link withCpu} needs it. */
export interface MeasuredLoad {
  /** Requests served over the whole load, its unmeasured warm-up included. */
  windowRequests: number;
  /** The CPU time the load generator reports for its own process, in ms (API side). */
  loadGeneratorCpuMs?: number;
}

/**
 * Run `load` and say where the machine's CPU time went meanwhile, per request served. The
 * load generator reports its own CPU time (it has exited by the end, and /proc no longer
 * has it). Child processes that exit during the load are not counted; the function
 * processes outlive the rounds.
 */
export const withCpu = async <T extends MeasuredLoad>(
  load: () => Promise<T>,
): Promise<T & { cpu?: CpuPerRequest }> => {
  if (!supported) return load();
  const before = snapshot();
  const result = await load();
  const cpu = breakdown(before, snapshot(), result);
  return cpu === undefined ? result : { ...result, cpu };
};

/** The CPU time between two snapshots, per request of `load` (none for no requests). */
export const breakdown = (
  before: Snapshot,
  after: Snapshot,
  load: MeasuredLoad,
): CpuPerRequest | undefined => {
  const requests = load.windowRequests;
  if (requests === 0) return undefined;
  const perRequest = (msTotal: number) => round(msTotal / requests, 3);
  let functionTicks = 0;
  for (const [pid, ticks] of after.children) {
    functionTicks += Math.max(0, ticks - (before.children.get(pid) ?? 0));
  }
  const selfMs =
    (after.self.user - before.self.user + after.self.system - before.self.system) / 1000;
  const totalMs = (after.total - before.total) * TICK_MS;
  const idleMs = (after.idle - before.idle) * TICK_MS;
  const functionsMs = functionTicks * TICK_MS;
  const generatorMs = load.loadGeneratorCpuMs;
  const otherMs = totalMs - idleMs - selfMs - functionsMs - (generatorMs ?? 0);
  return {
    ...(generatorMs === undefined ? {} : { loadGenerator: perRequest(generatorMs) }),
    runnerAndBackends: perRequest(selfMs),
    functions: perRequest(functionsMs),
    other: perRequest(Math.max(0, otherMs)),
    idle: perRequest(idleMs),
  };
};

/** Means over rounds, field by field (undefined when a round has no breakdown). */
export const meanCpu = (
  rounds: ReadonlyArray<CpuPerRequest | undefined>,
): CpuPerRequest | undefined => {
  if (rounds.length === 0 || rounds.some((cpu) => cpu === undefined)) return undefined;
  const all = rounds as CpuPerRequest[];
  const mean = (pick: (cpu: CpuPerRequest) => number) =>
    round(all.reduce((sum, cpu) => sum + pick(cpu), 0) / all.length, 3);
  const generator = all.every((cpu) => cpu.loadGenerator !== undefined)
    ? { loadGenerator: mean((cpu) => cpu.loadGenerator as number) }
    : {};
  return {
    ...generator,
    runnerAndBackends: mean((cpu) => cpu.runnerAndBackends),
    functions: mean((cpu) => cpu.functions),
    other: mean((cpu) => cpu.other),
    idle: mean((cpu) => cpu.idle),
  };
};
