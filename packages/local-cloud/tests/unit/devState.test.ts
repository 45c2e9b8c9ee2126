import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type DevState,
  removeDevState,
  stateFileFor,
  writeDevState,
} from '../../src/dev/devState.js';

const stateOf = (pid: number): DevState =>
  ({ pid, apiUrl: `http://127.0.0.1:${3000 + pid}`, apiUrls: {} }) as unknown as DevState;

const project = () => {
  const file = stateFileFor(
    path.join(mkdtempSync(path.join(tmpdir(), 'dev-state-')), 'template.yaml'),
  );
  const read = () =>
    existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DevState) : undefined;
  const runs = () => readdirSync(path.join(path.dirname(file), 'runs')).sort();
  return { file, read, runs };
};

describe('removeDevState', () => {
  it('gives the state file back to an earlier run that is still alive', async () => {
    // Prepare: run 101 started, then run 102 on other ports took the state file
    const { file, read } = project();
    const alive = new Set([101, 102]);
    await writeDevState(file, stateOf(101));
    await writeDevState(file, stateOf(102));

    // Act
    alive.delete(102);
    await removeDevState(file, 102, (pid) => alive.has(pid));

    // Assess
    expect(read()).toEqual(stateOf(101));
  });

  it('leaves a later run’s file alone, and goes back to the newest live run when that stops', async () => {
    // Prepare: three runs; the middle one stops first
    const { file, read, runs } = project();
    const alive = new Set([101, 102, 103]);
    for (const pid of alive) await writeDevState(file, stateOf(pid));
    alive.delete(102);
    await removeDevState(file, 102, (pid) => alive.has(pid));
    const whileLastRuns = read();

    // Act
    alive.delete(103);
    await removeDevState(file, 103, (pid) => alive.has(pid));

    // Assess
    expect(whileLastRuns).toEqual(stateOf(103));
    expect(read()).toEqual(stateOf(101));
    expect(runs()).toEqual(['101.json']);
  });

  it('removes the state file when no other run is alive, and the files of runs that are gone', async () => {
    // Prepare: run 101 was killed with -9 (its file is left), run 102 took over
    const { file, read, runs } = project();
    await writeDevState(file, stateOf(101));
    await writeDevState(file, stateOf(102));

    // Act
    await removeDevState(file, 102, () => false);

    // Assess
    expect(read()).toBeUndefined();
    expect(runs()).toEqual([]);
  });
});
