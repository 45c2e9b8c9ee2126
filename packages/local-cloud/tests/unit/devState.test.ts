import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkPreviousRun,
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

describe('checkPreviousRun', () => {
  const listening = (pid: number): DevState =>
    ({
      pid,
      apiUrl: `http://127.0.0.1:${3000 + pid}`,
      apiUrls: { Api: `http://127.0.0.1:${3000 + pid}` },
    }) as unknown as DevState;

  it('names a live run on the wanted ports that a later run hid from the state file', async () => {
    // Prepare: run 101 on port 3101, then run 102 on port 3102 took the state file
    const { file } = project();
    await writeDevState(file, listening(101));
    await writeDevState(file, listening(102));

    // Act
    const previous = await checkPreviousRun(file, [3101], () => true);

    // Assess
    expect(previous).toEqual({
      kind: 'running',
      clash: true,
      message:
        'already running from this template (pid 101, API http://127.0.0.1:3101) on port 3101: stop it (Ctrl+C in its terminal, or kill 101), or start this one with --port 0 --backend-port 0',
    });
  });

  it('lets a start on free ports go ahead, naming the run the state file describes', async () => {
    // Prepare
    const { file } = project();
    await writeDevState(file, listening(101));
    await writeDevState(file, listening(102));

    // Act
    const previous = await checkPreviousRun(file, [3200], () => true);

    // Assess
    expect(previous).toMatchObject({ kind: 'running', clash: false });
    expect(previous.kind === 'running' && previous.message).toContain('(pid 102, API');
  });

  it('ignores a hidden run that is gone, and prunes its file', async () => {
    // Prepare: run 101 was killed with -9; run 102 is alive on other ports
    const { file, runs } = project();
    await writeDevState(file, listening(101));
    await writeDevState(file, listening(102));

    // Act
    const previous = await checkPreviousRun(file, [3101], (pid) => pid === 102);

    // Assess
    expect(previous).toMatchObject({ kind: 'running', clash: false });
    expect(runs()).toEqual(['102.json']);
  });
});
