// A child process that dies or stops answering must fail the bench with an error naming it,
// not leave it waiting forever: the in-process children of the warm and API sections (IPC
// replies) and the fresh processes of the cold-init section.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { childReply } from '../../src/lib/childReply.ts';
import { measureFresh } from '../../src/sections/coldInit.ts';
import { direct } from '../../src/sections/warmInvoke.ts';

/** Long enough for a child to start; far shorter than the tests' own timeout. */
const TEST_TIMEOUT_MS = 15_000;

// Children that talk over IPC as warmChild.mjs does, each misbehaving in its own way.
const EXITS_ON_REQUEST = `process.on('message', () => process.exit(3));`;
const NEVER_ANSWERS = `process.on('message', () => {});`;
const ANSWERS = `process.on('message', (m) => process.send({ echo: m }));`;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

const childRunning = (script: string): ChildProcess => {
  const proc = spawn(process.execPath, ['-e', script], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  children.push(proc);
  return proc;
};

describe('childReply', () => {
  it(
    'resolves with the reply of a child that answers',
    async () => {
      const proc = childRunning(ANSWERS);
      await expect(
        childReply(proc, { ping: 1 }, { name: 'echo child', timeoutMs: 10_000 }),
      ).resolves.toEqual({ echo: { ping: 1 } });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'rejects, naming the child and its exit code, when it exits instead of answering',
    async () => {
      const proc = childRunning(EXITS_ON_REQUEST);
      await expect(
        childReply(proc, { events: [] }, { name: 'X: in-process child', timeoutMs: 10_000 }),
      ).rejects.toThrow(/^X: in-process child exited \(code 3\) before it answered/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'rejects when it never answers, after the timeout, and stops the child',
    async () => {
      const proc = childRunning(NEVER_ANSWERS);
      const started = performance.now();
      await expect(
        childReply(proc, { events: [] }, { name: 'Y: in-process child', timeoutMs: 300 }),
      ).rejects.toThrow(/^Y: in-process child did not answer within 0.3 s/);
      expect(performance.now() - started).toBeLessThan(5_000);
      // A late answer must not be taken for the next request's: the child is gone.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(proc.exitCode !== null || proc.signalCode !== null).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'rejects at once for a child that has already exited',
    async () => {
      const proc = childRunning('process.exit(5)');
      await new Promise((resolve) => proc.once('exit', resolve));
      await expect(
        childReply(proc, { events: [] }, { name: 'Z: child', timeoutMs: 10_000 }),
      ).rejects.toThrow(/^Z: child exited \(code 5\)/);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('direct (warm invocations in-process)', () => {
  it(
    'rejects instead of hanging when the in-process child exits',
    async () => {
      const proc = childRunning(EXITS_ON_REQUEST);
      await expect(direct(proc, [{}, {}])).rejects.toThrow(/exited \(code 3\) before it answered/);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('measureFresh (cold init in a fresh process)', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'bench-fresh-test-'));
    // A module whose import never finishes (a timer keeps the process alive).
    await writeFile(
      path.join(scratch, 'hang.mjs'),
      'setInterval(() => {}, 1000);\nawait new Promise(() => {});\nexport const handler = () => {};\n',
    );
    await writeFile(path.join(scratch, 'ok.mjs'), 'export const handler = async () => ({});\n');
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  const target = (file: string) => ({
    id: `fixture/${file}`,
    logicalId: 'Fixture',
    file: path.join(scratch, file),
    cwd: scratch,
    env: { PATH: process.env.PATH ?? '' },
  });

  it(
    'measures a module that loads',
    async () => {
      const sample = await measureFresh(target('ok.mjs'), 10_000);
      expect(sample.readyMs).toBeGreaterThan(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'rejects, naming the target, when the process does not finish in time',
    async () => {
      const started = performance.now();
      await expect(measureFresh(target('hang.mjs'), 1_000)).rejects.toThrow(
        /^fixture\/hang\.mjs: the fresh process did not finish within 1 s/,
      );
      expect(performance.now() - started).toBeLessThan(10_000);
    },
    TEST_TIMEOUT_MS,
  );
});
