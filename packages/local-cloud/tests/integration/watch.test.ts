import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startLocalCloud } from '../../src/cloud/startLocalCloud.js';
import { memoryLog } from '../../src/dev/log.js';
import { watchSources } from '../../src/dev/watch.js';
import { uniqueName, useBackends } from '../../src/testing.js';

// A throw-away workspace: one service whose build script copies src/handler.mjs into its
// function bundle folder, as the real services' esbuild step does.
const root = mkdtempSync(path.join(tmpdir(), 'local-cloud-watch-'));
const service = path.join(root, 'services', 'greeter');
const handler = (greeting: string) =>
  `export const handler = async () => ({ greeting: '${greeting}' });\n`;
mkdirSync(path.join(service, 'src'), { recursive: true });
writeFileSync(
  path.join(service, 'package.json'),
  JSON.stringify({
    name: '@watch-test/greeter',
    private: true,
    scripts: { build: 'node build.mjs' },
  }),
);
writeFileSync(
  path.join(service, 'build.mjs'),
  "import { cpSync, mkdirSync } from 'node:fs';\nmkdirSync('dist/greet', { recursive: true });\ncpSync('src/handler.mjs', 'dist/greet/index.mjs');\n",
);
writeFileSync(path.join(service, 'src', 'handler.mjs'), handler('hello'));
mkdirSync(path.join(service, 'dist', 'greet'), { recursive: true });
writeFileSync(path.join(service, 'dist', 'greet', 'index.mjs'), handler('hello'));
// A second service bundled by esbuild the way a project's bundler should be for a dev loop:
// into a fresh folder, then each file renamed over its old copy (atomic per file), so a
// failed build leaves dist/ as it was and a cold start never finds it half written.
const bundled = path.join(root, 'services', 'bundled');
const bundledSource = path.join(bundled, 'src', 'handlers', 'echo.ts');
const bundler = path.join(bundled, 'build.mjs');
const echoHandler = (version: number) =>
  `export const handler = async () => ({ version: ${version} });\n`;
const brokenHandler = (version: number) =>
  `export const handler = async () => ({ version: ${version} };\n`;
mkdirSync(path.dirname(bundledSource), { recursive: true });
writeFileSync(
  path.join(bundled, 'package.json'),
  JSON.stringify({
    name: '@watch-test/bundled',
    private: true,
    scripts: { build: 'node build.mjs' },
  }),
);
writeFileSync(
  bundler,
  `import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { build } from ${JSON.stringify(import.meta.resolve('esbuild'))};
const staging = mkdtempSync('.build-');
try {
  await build({
    entryPoints: ['src/handlers/echo.ts'],
    outfile: staging + '/index.mjs',
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'error',
  });
  mkdirSync('dist/echo', { recursive: true });
  renameSync(staging + '/index.mjs', 'dist/echo/index.mjs');
} catch {
  process.exitCode = 1;
} finally {
  rmSync(staging, { recursive: true, force: true });
}
`,
);
writeFileSync(bundledSource, echoHandler(0));
execFileSync(process.execPath, [bundler], { cwd: bundled, stdio: 'ignore' });
writeFileSync(
  path.join(root, 'template.yaml'),
  `Resources:
  GreetFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: services/greeter/dist/greet/
      Handler: index.handler
      Runtime: nodejs24.x
  EchoFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: services/bundled/dist/echo/
      Handler: index.handler
      Runtime: nodejs24.x
`,
);

const { backends } = useBackends();
const cloud = await startLocalCloud({
  templatePath: path.join(root, 'template.yaml'),
  backends,
  stackName: uniqueName('watch'),
  port: 0,
  log: memoryLog(),
});
const watchLog = memoryLog();
const stopWatching = watchSources(root, cloud.model, cloud.functions, watchLog);
afterAll(async () => {
  await stopWatching();
  await cloud.stop();
  rmSync(root, { recursive: true, force: true });
});

const greeting = async () =>
  JSON.parse((await cloud.functions.invoke('GreetFunction', {})).payload ?? '{}').greeting;

describe('watch mode', () => {
  it('rebuilds a changed service and reloads its function', async () => {
    // Prepare
    expect(await greeting()).toBe('hello');

    // Act
    writeFileSync(path.join(service, 'src', 'handler.mjs'), handler('hello again'));

    // Assess
    const deadline = Date.now() + 20_000;
    let current = await greeting();
    while (current !== 'hello again' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      current = await greeting();
    }
    expect(current).toBe('hello again');
  });
});

describe('watch mode with a failing build', () => {
  const echo = () => cloud.functions.invoke('EchoFunction', {});
  const count = (pattern: RegExp) => watchLog.lines.filter((line) => pattern.test(line)).length;
  const failures = () =>
    count(/build of @watch-test\/bundled failed at src\/handlers\/echo\.ts:1:\d+/);
  const rebuilds = () => count(/rebuilt @watch-test\/bundled/);

  it('keeps serving the previous bundle, cold starts included, and prints the error once', async () => {
    // Prepare
    expect(JSON.parse((await echo()).payload ?? '{}')).toEqual({ version: 0 });
    const failed = failures();

    // Act
    writeFileSync(bundledSource, brokenHandler(1));
    await vi.waitFor(() => expect(failures()).toBe(failed + 1), { timeout: 20_000, interval: 50 });
    cloud.functions.restart(['EchoFunction']); // the next call cold-starts from dist/

    // Assess
    const during = await echo();
    expect(during.ok).toBe(true);
    expect(JSON.parse(during.payload ?? '{}')).toEqual({ version: 0 });
    const errorText = watchLog.lines.filter((line) => line.includes('Expected'));
    expect(errorText).toHaveLength(1);

    // Act
    writeFileSync(bundledSource, echoHandler(1));

    // Assess
    await vi.waitFor(
      async () => expect(JSON.parse((await echo()).payload ?? '{}')).toEqual({ version: 1 }),
      { timeout: 20_000, interval: 50 },
    );
  });

  it('fails no invocation through save-with-syntax-error / fix cycles', {
    timeout: 120_000,
  }, async () => {
    // Prepare: a caller that invokes all the time, forcing a cold start every few calls
    const results: Array<{ ok: boolean; error?: string; version?: number }> = [];
    let calling = true;
    const caller = (async () => {
      while (calling) {
        if (results.length % 3 === 0) cloud.functions.restart(['EchoFunction']);
        const result = await echo();
        results.push({
          ok: result.ok,
          ...(result.error
            ? { error: `${result.error.errorType}: ${result.error.errorMessage}` }
            : {}),
          ...(result.ok ? { version: JSON.parse(result.payload ?? '{}').version } : {}),
        });
      }
    })();

    // Act
    for (let cycle = 2; cycle <= 6; cycle++) {
      const failed = failures();
      const rebuilt = rebuilds();
      writeFileSync(bundledSource, brokenHandler(cycle));
      await vi.waitFor(() => expect(failures()).toBe(failed + 1), {
        timeout: 30_000,
        interval: 50,
      });
      writeFileSync(bundledSource, echoHandler(cycle));
      await vi.waitFor(() => expect(rebuilds()).toBe(rebuilt + 1), {
        timeout: 30_000,
        interval: 50,
      });
      await vi.waitFor(() => expect(results.at(-1)?.version).toBe(cycle), {
        timeout: 10_000,
        interval: 20,
      });
    }
    calling = false;
    await caller;

    // Assess
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.length).toBeGreaterThan(20);
    expect(new Set(results.map((r) => r.version))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
  });
});
