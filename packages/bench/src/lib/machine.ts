import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The machine a run was made on: numbers from different machines do not compare. */
export interface Machine {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started: other work on the machine skews times. */
  loadAverage: number;
}

const cpuModel = (): string => {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) return match[1].trim();
  } catch {}
  return os.cpus()[0]?.model ?? 'unknown';
};

export const describeMachine = (): Machine => ({
  nproc: os.availableParallelism(),
  cpuModel: cpuModel(),
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  loadAverage: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
});
