import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { jwtVerify } from 'jose';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { DevState } from '../../src/dev/devState.js';
import { portsOf } from '../../src/dev/devState.js';
import {
  cliArgs,
  descendants,
  isFree,
  isRunning,
  makeProject,
  type Running,
  run,
  startDev,
  stateFileIn,
} from '../support/devProcess.js';

// The `local-cloud dev` CLI as a user runs it: a child process on free ports, stopped by
// signals; the state file it leaves for `token`, `demo` and the next start.
const projects: string[] = [];
const started: Running[] = [];
afterAll(() => {
  for (const { child } of started) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of projects) rmSync(dir, { recursive: true, force: true });
});

const project = () => {
  const dir = makeProject();
  projects.push(dir);
  return dir;
};

/** Start `dev` and wait until it is ready and has recorded its state. */
const ready = async (dir: string, launch: () => Running = () => startDev(dir)) => {
  const dev = launch();
  started.push(dev);
  await vi.waitFor(
    () => {
      if (dev.child.exitCode !== null) throw new Error(`dev exited:\n${dev.output()}`);
      expect(dev.output()).toContain('local-cloud ready');
      expect(existsSync(stateFileIn(dir))).toBe(true);
    },
    { timeout: 30_000, interval: 100 },
  );
  const state = JSON.parse(readFileSync(stateFileIn(dir), 'utf8')) as DevState;
  return { dev, state };
};

/** Everything the run held is gone: its processes, its ports, its state file. */
const expectAllGone = async (pids: number[], ports: number[], dir: string) => {
  await vi.waitFor(
    async () => {
      expect(pids.filter(isRunning)).toEqual([]);
      const taken = [];
      for (const port of ports) if (!(await isFree(port))) taken.push(port);
      expect(taken).toEqual([]);
    },
    { timeout: 15_000, interval: 100 },
  );
  expect(existsSync(stateFileIn(dir))).toBe(false);
};

describe('local-cloud dev', () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)(
    'stops every child process and frees every port on %s',
    async (signal) => {
      // Prepare
      const dir = project();
      const { dev, state } = await ready(dir);
      const hello = await fetch(`${state.apiUrl}/hello`);
      expect(await hello.text()).toBe('hi'); // a function process is running now
      const pid = dev.child.pid as number;
      const tree = [pid, ...descendants(pid)];
      expect(tree.length).toBeGreaterThan(1);
      const ports = portsOf(state);
      expect(ports.length).toBeGreaterThanOrEqual(5);

      // Act
      dev.child.kill(signal);

      // Assess
      expect(await dev.exited).toBe(0);
      await expectAllGone(tree, ports, dir);
    },
  );

  it('stops when the shell between it and pnpm dies (pnpm dev, SIGTERM to pnpm)', async () => {
    // Prepare: pnpm runs `... && node cli.mjs dev` through sh, which a SIGTERM kills
    // without passing the signal on.
    const dir = project();
    const quoted = [process.execPath, ...cliArgs].map((arg) => `'${arg}'`).join(' ');
    const { dev, state } = await ready(dir, () =>
      run(
        '/bin/sh',
        ['-c', `${quoted} dev --port 0 --backend-port 0 --no-watch; echo shell done`],
        dir,
      ),
    );
    await fetch(`${state.apiUrl}/hello`);
    const tree = descendants(dev.child.pid as number);
    expect(tree).toContain(state.pid);

    // Act
    dev.child.kill('SIGTERM');

    // Assess
    await expectAllGone(tree, portsOf(state), dir);
  });

  it.each([
    [['--concurrency', '4'], ['--invocation-count-for-turbofan=750']],
    [['--v8-tiering', 'lambda'], []],
  ])(
    'starts the function processes with V8’s tier-up counts as %j says',
    async (flags, expected) => {
      // Prepare
      const dir = project();
      const { dev, state } = await ready(dir, () => startDev(dir, flags));

      // Act: a function process starts for the call.
      expect(await (await fetch(`${state.apiUrl}/hello`)).text()).toBe('hi');

      // Assess: its command line (the runtime client is the process running bootstrap.mjs).
      const commands = descendants(dev.child.pid as number).map((pid) =>
        execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).trim(),
      );
      const runtime = commands.filter((command) => command.includes('bootstrap.mjs'));
      expect(runtime).toHaveLength(1);
      const tiering = (runtime[0] ?? '').split(' ').filter((arg) => arg.includes('invocation'));
      expect(tiering).toEqual(expected.length === 0 ? [] : expect.arrayContaining(expected));
      expect(tiering).toHaveLength(expected.length === 0 ? 0 : 3);
      dev.child.kill('SIGTERM');
      expect(await dev.exited).toBe(0);
    },
  );

  it('refuses a --v8-tiering it does not know', async () => {
    // Act
    const cli = startDev(project(), ['--v8-tiering', 'fast']);

    // Assess
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain('--v8-tiering must be scaled or lambda, got fast');
  });

  it('refuses a second start on the ports of a live run, saying what to do', async () => {
    // Prepare
    const dir = project();
    const { state } = await ready(dir);
    const port = new URL(state.apiUrl as string).port;

    // Act
    const second = run(
      process.execPath,
      [...cliArgs, 'dev', '--port', port, '--backend-port', '0', '--no-watch'],
      dir,
    );
    const code = await second.exited;

    // Assess
    expect(code).toBe(1);
    const lines = second.output().trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^local-cloud: already running from this template \\(pid ${state.pid}, API ${state.apiUrl}\\) on port ${port}: stop it \\(Ctrl\\+C in its terminal, or kill ${state.pid}\\), or start this one with --port 0 --backend-port 0$`,
        ),
      ),
    ]);
    expect(JSON.parse(readFileSync(stateFileIn(dir), 'utf8')).pid).toBe(state.pid);
  });

  it('replaces the state file of a run that is gone, and says so', async () => {
    // Prepare: a state file whose process has ended
    const dir = project();
    const ended = run(process.execPath, ['-e', ''], dir);
    await ended.exited;
    mkdirSync(path.dirname(stateFileIn(dir)), { recursive: true });
    writeFileSync(
      stateFileIn(dir),
      JSON.stringify({ pid: ended.child.pid, apiUrl: 'http://127.0.0.1:1', apiUrls: {} }),
    );

    // Act
    const { dev, state } = await ready(dir);

    // Assess
    expect(dev.output()).toContain(
      `is from an earlier run (pid ${ended.child.pid}) that did not stop cleanly; replacing it, nothing to do`,
    );
    expect(state.pid).toBe(dev.child.pid);
  });

  it('leaves an earlier run on other ports discoverable when a later one stops', async () => {
    // Prepare: two runs from one template, the second on other (free) ports
    const dir = project();
    const first = await ready(dir);
    const second = await ready(dir);
    expect(second.state.pid).not.toBe(first.state.pid);

    // Act
    second.dev.child.kill('SIGTERM');
    expect(await second.dev.exited).toBe(0);
    const cli = run(process.execPath, [...cliArgs, 'token'], dir);
    const code = await cli.exited;

    // Assess: the state file describes the first run again, and token reaches it
    expect(second.dev.output()).toContain(
      `another local-cloud runs from this template (pid ${first.state.pid}`,
    );
    expect(JSON.parse(readFileSync(stateFileIn(dir), 'utf8'))).toEqual(first.state);
    expect(code).toBe(0);
    const { payload } = await jwtVerify(
      cli.output().trim(),
      new TextEncoder().encode('a-signing-key-for-tests'),
      { issuer: 'test-issuer', audience: 'test-audience' },
    );
    expect(payload.sub).toBe('local-user');
  });

  it('mints tokens with the running cloud’s secret: local-cloud token', async () => {
    // Prepare
    const dir = project();
    await ready(dir);
    const key = new TextEncoder().encode('a-signing-key-for-tests');

    // Act
    const cli = run(
      process.execPath,
      [...cliArgs, 'token', '--customer', 'c-1', '--email', 'a@example.com'],
      dir,
    );
    const code = await cli.exited;

    // Assess
    expect(code).toBe(0);
    const { payload } = await jwtVerify(cli.output().trim(), key, {
      issuer: 'test-issuer',
      audience: 'test-audience',
    });
    expect(payload).toMatchObject({ sub: 'c-1', email: 'a@example.com' });
  });

  it('says to start pnpm dev when no cloud runs', async () => {
    // Prepare
    const dir = project();

    // Act
    const cli = run(process.execPath, [...cliArgs, 'token'], dir);
    const code = await cli.exited;

    // Assess
    expect(code).toBe(1);
    expect(cli.output()).toMatch(/no running local cloud found .*; start it with: pnpm dev/);
  });
});
