import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { memoryLog } from '../../src/dev/log.js';
import { watchSources } from '../../src/dev/watch.js';
import type { FunctionPool } from '../../src/lambda/FunctionPool.js';
import type { LocalStackModel } from '../../src/provision/model.js';
import { hasEnded } from '../support/processes.js';

// A throw-away workspace with one service whose build takes 3 s (pnpm, a shell, then node),
// records its processes when it starts and writes a marker when it ends.
const root = mkdtempSync(path.join(tmpdir(), 'local-cloud-watch-stop-'));
const service = path.join(root, 'services', 'slow');
const started = path.join(service, 'started.json');
const marker = path.join(service, 'dist', 'marker');
mkdirSync(path.join(service, 'src'), { recursive: true });
mkdirSync(path.join(service, 'dist', 'fn'), { recursive: true });
writeFileSync(
  path.join(service, 'package.json'),
  JSON.stringify({ name: '@watch-test/slow', private: true, scripts: { build: 'node build.mjs' } }),
);
writeFileSync(
  path.join(service, 'build.mjs'),
  `import { writeFileSync } from 'node:fs';
writeFileSync('started.json', JSON.stringify({ pid: process.pid, parent: process.ppid }));
setTimeout(() => writeFileSync('dist/marker', 'built'), 3000);
`,
);
writeFileSync(path.join(service, 'src', 'handler.mjs'), 'export const handler = () => 1;\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('watch mode stopping', () => {
  it('kills a build that is running and reloads nothing after it stopped', async () => {
    // Prepare: a change starts the 3 s build
    const model = {
      functions: new Map([
        ['SlowFunction', { logicalId: 'SlowFunction', codeDir: `${service}/dist/fn` }],
      ]),
    } as unknown as LocalStackModel;
    const restart = vi.fn();
    const log = memoryLog();
    const stopWatching = watchSources(root, model, { restart } as unknown as FunctionPool, log);
    writeFileSync(path.join(service, 'src', 'handler.mjs'), 'export const handler = () => 2;\n');
    await vi.waitFor(() => expect(existsSync(started)).toBe(true), {
      timeout: 20_000,
      interval: 50,
    });
    const build = JSON.parse(readFileSync(started, 'utf8')) as { pid: number; parent: number };

    // Act
    await stopWatching();

    // Assess: the build and the shell or pnpm above it are gone before they could finish
    await vi.waitFor(
      () => expect([build.pid, build.parent].filter((pid) => !hasEnded(pid))).toEqual([]),
      {
        timeout: 10_000,
        interval: 50,
      },
    );
    expect(existsSync(marker)).toBe(false);
    expect(restart).not.toHaveBeenCalled();
    expect(log.lines.some((line) => line.includes('rebuilt'))).toBe(false);
  });
});
