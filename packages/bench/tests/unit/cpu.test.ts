import { describe, expect, it } from 'vitest';
import { breakdown, type CpuPerRequest, meanCpu, type Snapshot } from '../../src/lib/cpu.ts';
import { cpuGap } from '../../src/lib/report.ts';

const snap = (
  total: number,
  idle: number,
  children: Record<number, number>,
  selfMs: number,
): Snapshot => ({
  total,
  idle,
  children: new Map(Object.entries(children).map(([pid, ticks]) => [Number(pid), ticks])),
  self: { user: selfMs * 1000 * 0.75, system: selfMs * 1000 * 0.25 },
});

describe('breakdown', () => {
  // 2 s on two cores: 400 ticks; 100 of them idle.
  const before = snap(1000, 500, { 11: 50, 12: 7 }, 2000);
  const after = snap(1400, 600, { 11: 150, 12: 27, 13: 30 }, 2600);

  it('splits the window into load generator, this process, children, the rest and idle', () => {
    expect(breakdown(before, after, { windowRequests: 100, loadGeneratorCpuMs: 400 })).toEqual({
      loadGenerator: 4,
      // 600 ms of this process's own time.
      runnerAndBackends: 6,
      // Ticks of 10 ms: 100 + 20 + a child started meanwhile (30).
      functions: 15,
      // 4000 ms in all - 1000 idle - 600 - 1500 - 400 of the load generator.
      other: 5,
      idle: 10,
    });
  });

  it('leaves the load generator out when there is none, and its time is then "other"', () => {
    expect(breakdown(before, after, { windowRequests: 100 })).toEqual({
      runnerAndBackends: 6,
      functions: 15,
      other: 9,
      idle: 10,
    });
  });

  it('counts nothing for a child gone by the end, and never a negative rest', () => {
    const gone = snap(1400, 600, { 12: 27 }, 2600);
    expect(breakdown(before, gone, { windowRequests: 10, loadGeneratorCpuMs: 5000 })).toEqual({
      loadGenerator: 500,
      runnerAndBackends: 60,
      functions: 20,
      other: 0,
      idle: 100,
    });
  });

  it('gives no breakdown for a load that served nothing', () => {
    expect(breakdown(before, after, { windowRequests: 0 })).toBeUndefined();
  });
});

describe('meanCpu', () => {
  const round = (runner: number, generator?: number): CpuPerRequest => ({
    ...(generator === undefined ? {} : { loadGenerator: generator }),
    runnerAndBackends: runner,
    functions: 2 * runner,
    other: 0,
    idle: 1,
  });

  it('averages field by field', () => {
    expect(meanCpu([round(0.2, 0.1), round(0.4, 0.3)])).toEqual({
      loadGenerator: 0.2,
      runnerAndBackends: 0.3,
      functions: 0.6,
      other: 0,
      idle: 1,
    });
  });

  it('leaves the load generator out unless every round has it', () => {
    expect(meanCpu([round(0.2, 0.1), round(0.4)])?.loadGenerator).toBeUndefined();
  });

  it('has no mean when a round has no breakdown, or there are no rounds', () => {
    expect(meanCpu([round(0.2), undefined])).toBeUndefined();
    expect(meanCpu([])).toBeUndefined();
  });
});

describe('cpuGap', () => {
  it('says what the API side spends beyond in-process, by process', () => {
    const api = {
      loadGenerator: 0.19,
      runnerAndBackends: 0.61,
      functions: 2.16,
      other: 0,
      idle: 0.32,
    };
    const inProcess = { runnerAndBackends: 0.28, functions: 0.72, other: 0.01, idle: 0.33 };
    expect(cpuGap(api, inProcess)).toBe(
      "the local API's CPU per request beyond in-process, +1.95 ms: function processes +1.44 ms (3.0x), runner and backends +0.33 ms, load generator +0.19 ms, other -0.01 ms.",
    );
  });

  it('says nothing without both breakdowns', () => {
    expect(
      cpuGap(undefined, { runnerAndBackends: 1, functions: 1, other: 0, idle: 0 }),
    ).toBeUndefined();
  });
});
