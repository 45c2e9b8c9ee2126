import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { type CpuPerRequest, withCpu } from '../../src/lib/cpu.ts';

/** Spin until this process has used `ms` more of CPU time (user + system). */
const burn = (ms: number) => {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
};

// A child that uses `ms` of CPU time, says so on stdout, then waits (or exits) as told.
const BURNER = `
const [ms, exitAfter] = [Number(process.argv[1]), process.argv[2] === 'exit'];
const start = process.cpuUsage();
for (;;) { const u = process.cpuUsage(start); if ((u.user + u.system) / 1000 >= ms) break; }
process.stdout.write('done\\n');
if (exitAfter) process.exit(0);
process.stdin.resume();
`;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Start a burner and resolve once it has used `ms` of CPU (and, with `exit`, exited). */
const burnInChild = async (ms: number, then: 'wait' | 'exit'): Promise<void> => {
  const child = spawn(process.execPath, ['-e', BURNER, String(ms), then], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  const exited = once(child, 'exit');
  await once(child.stdout as NodeJS.ReadableStream, 'data');
  if (then === 'exit') await exited;
};

describe('withCpu', () => {
  it('puts the CPU time of a child process that outlives the load under functions', async () => {
    const result = await withCpu(async () => {
      await burnInChild(400, 'wait');
      return { windowRequests: 2 };
    });
    const cpu = result.cpu as CpuPerRequest;
    // 400 ms over 2 requests, read in 10 ms ticks; at most the child's start-up on top.
    expect(cpu.functions).toBeGreaterThanOrEqual(180);
    expect(cpu.functions).toBeLessThanOrEqual(400);
    expect(cpu.runnerAndBackends).toBeLessThan(cpu.functions);
    expect(cpu.loadGenerator).toBeUndefined();
  });

  it("puts this process's own CPU time under runner and backends", async () => {
    const result = await withCpu(async () => {
      burn(300);
      return { windowRequests: 3 };
    });
    const cpu = result.cpu as CpuPerRequest;
    expect(cpu.runnerAndBackends).toBeGreaterThanOrEqual(100);
    expect(cpu.runnerAndBackends).toBeLessThanOrEqual(250);
    expect(cpu.functions).toBeLessThan(cpu.runnerAndBackends);
  });

  it('divides what the load generator reports by the requests of the whole window', async () => {
    const result = await withCpu(async () => ({
      windowRequests: 8,
      loadGeneratorCpuMs: 40,
    }));
    expect(result.cpu?.loadGenerator).toBe(5);
  });

  it('cannot read a child that exited before the load ended: it counts under other', async () => {
    const result = await withCpu(async () => {
      await burnInChild(300, 'exit');
      return { windowRequests: 1 };
    });
    const cpu = result.cpu as CpuPerRequest;
    expect(cpu.functions).toBeLessThan(100);
    expect(cpu.other).toBeGreaterThanOrEqual(200);
    // The whole window, spread over the cores: busy and idle time add up to it.
    const busy = cpu.runnerAndBackends + cpu.functions + cpu.other;
    expect(busy + cpu.idle).toBeGreaterThanOrEqual(300);
  });

  it('gives no breakdown for a load that served nothing', async () => {
    const result = await withCpu(async () => ({ windowRequests: 0 }));
    expect(result.cpu).toBeUndefined();
  });
});
