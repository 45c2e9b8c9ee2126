import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type DevState, readDevState, stateFileFor } from '@shop/local-cloud/cloud';
import { descendants, eventually } from '@shop/local-cloud/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ORDER } from '../src/demo.js';

// The acceptance test of the dev loop: `local-cloud dev` runs the shop's template
// with watch mode on while orders flow (POST /orders, one after another); the orders API's
// handler is saved with a syntax error and fixed again 20 times. Every failed build must
// keep the previous bundle serving and every fix must reload it: not one order may fail, no
// invocation may fail, and stopping the CLI must leave no process and no port behind.
//
// Each fix is a change the test can see: version N of the handler logs `hot-reload cycle N`
// when its module loads and answers every request with `x-hot-reload-cycle: N`. An order
// placed after the CLI reported the reload must be answered by version N (a missing reload
// leaves the old environment serving N - 1), and no order may be answered by an older version
// than the one before it.
//
// The service under edit is a copy (its src/, with node_modules linked to the real ones) in
// a throw-away workspace, so the repository's sources are never touched, whatever happens;
// the other services' bundles are linked in as they are (built by `pnpm build`).

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');
const cli = path.join(repoRoot, 'packages', 'local-cloud', 'src', 'cli.ts');
const tsResolve = path.join(repoRoot, 'packages', 'tooling', 'tsResolve.mjs');
const mintToken = path.join(repoRoot, 'services', 'orders-api', 'scripts', 'mintToken.mjs');
const CYCLES = 20;
const SERVICE = 'orders-api';

const workspace = mkdtempSync(path.join(tmpdir(), 'shop-hot-reload-'));
const serviceDir = path.join(workspace, 'services', SERVICE);
const handlerFile = path.join(serviceDir, 'src', 'handlers', 'api.ts');
const VERSION_HEADER = 'x-hot-reload-cycle';

// Where version N of the handler takes over the export: the service's handler, renamed.
const EXPORT = 'export const handler = lambdaHandler(';
/**
 * Version `cycle` of the API handler: the original, wrapped so that its module load logs
 * `hot-reload cycle <cycle>` and every answer carries `x-hot-reload-cycle: <cycle>`.
 */
const handlerVersion = (original: string, cycle: number) =>
  `${original.replace(EXPORT, 'const serviceHandler = lambdaHandler(')}
// hot-reload test, version ${cycle}
console.log('hot-reload cycle ${cycle}');
export const handler = async (...args: Parameters<typeof serviceHandler>) => {
  const response = await serviceHandler(...args);
  return { ...response, headers: { ...response.headers, '${VERSION_HEADER}': '${cycle}' } };
};
`;

/**
 * A copy of the shop with orders-api's sources of its own, built once with version 0 of the
 * API handler. Returns the service's own handler source.
 */
const makeWorkspace = (): string => {
  let original = '';
  cpSync(path.join(repoRoot, 'template.yaml'), path.join(workspace, 'template.yaml'));
  cpSync(path.join(repoRoot, 'tsconfig.base.json'), path.join(workspace, 'tsconfig.base.json'));
  for (const name of readdirSync(path.join(repoRoot, 'services'))) {
    const real = path.join(repoRoot, 'services', name);
    if (!existsSync(path.join(real, 'package.json'))) continue;
    const copy = path.join(workspace, 'services', name);
    mkdirSync(copy, { recursive: true });
    if (name !== SERVICE) {
      // Not a workspace package here (no package.json): watch mode leaves it alone.
      symlinkSync(path.join(real, 'dist'), path.join(copy, 'dist'), 'dir');
      continue;
    }
    cpSync(path.join(real, 'src'), path.join(copy, 'src'), { recursive: true });
    // Version 0 of the handler is the one built first.
    original = readFileSync(handlerFile, 'utf8');
    if (!original.includes(EXPORT)) throw new Error(`${handlerFile} has no \`${EXPORT}\``);
    writeFileSync(handlerFile, handlerVersion(original, 0));
    cpSync(path.join(real, 'tsconfig.json'), path.join(copy, 'tsconfig.json'));
    symlinkSync(path.join(real, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
    const manifest = JSON.parse(readFileSync(path.join(real, 'package.json'), 'utf8')) as {
      name: string;
      scripts: { build: string };
    };
    const writeManifest = (build: string) =>
      writeFileSync(
        path.join(copy, 'package.json'),
        JSON.stringify({ name: manifest.name, private: true, type: 'module', scripts: { build } }),
      );
    // Built whole once; then watch mode's builds bundle only the handler under edit (the
    // package's own bundler, shop-bundle, with its atomic swap), which keeps a cycle short on
    // a busy machine: every function of the package is still reloaded after each build.
    writeManifest(manifest.scripts.build);
    execFileSync('pnpm', ['--silent', 'run', 'build'], { cwd: copy, stdio: 'pipe' });
    writeManifest(`${manifest.scripts.build} --entry src/handlers/api.ts`);
  }
  return original;
};

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const isFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

const portsOf = (state: DevState): number[] =>
  [...Object.values(state.apiUrls ?? {}), ...Object.values(state.backends.endpoints)].map((url) =>
    Number(new URL(url).port),
  );

let child: ChildProcess | undefined;
let output = '';
// The CLI's output and the test's progress, for whoever reads a failure.
const logFile = path.join(import.meta.dirname, '..', 'reports', 'hot-reload.log');
mkdirSync(path.dirname(logFile), { recursive: true });
writeFileSync(logFile, '');
const note = (text: string) =>
  appendFileSync(logFile, `[test ${new Date().toISOString()}] ${text}\n`);
let original = '';
beforeAll(() => {
  original = makeWorkspace();
}, 180_000);

afterAll(() => {
  // Whatever happened: no CLI left running, and only the copy was ever edited.
  if (child?.pid !== undefined && isRunning(child.pid)) {
    for (const pid of [child.pid, ...descendants(child.pid)]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  }
  rmSync(workspace, { recursive: true, force: true });
});

const count = (pattern: RegExp) => output.match(pattern)?.length ?? 0;
const failedBuilds = () =>
  count(/build of @shop\/orders-api failed at src\/handlers\/api\.ts:\d+:\d+/g);
const fixedBuilds = () => count(/rebuilt @shop\/orders-api in \d+ ms \(fixed\)/g);

describe('local-cloud dev: hot reload of the shop while orders flow', () => {
  it(`fails no order through ${CYCLES} save-with-syntax-error / fix cycles, and stops clean`, {
    timeout: 600_000,
  }, async () => {
    // Prepare: `pnpm dev` on the copy (its own embedded backends, free ports, watch on)
    const templatePath = path.join(workspace, 'template.yaml');
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_ENDPOINT_URL')),
    );
    child = spawn(
      process.execPath,
      [
        '--import',
        tsResolve,
        cli,
        'dev',
        '--template',
        templatePath,
        '--port',
        '0',
        '--backend-port',
        '0',
      ],
      { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, NO_COLOR: '1' } },
    );
    const cliPid = child.pid as number;
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      appendFileSync(logFile, chunk);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const exited = new Promise<number | null>((resolve) => child?.on('exit', resolve));
    const stateFile = stateFileFor(templatePath);
    const state = await eventually(
      async () => {
        if (child?.exitCode !== null) throw new Error(`the CLI exited:\n${output}`);
        const current = await readDevState(stateFile);
        return current?.pid === cliPid && current.apiUrl !== undefined ? current : undefined;
      },
      'the local cloud to be ready',
      90_000,
    );
    note(`ready: ${state.apiUrl}`);
    const customer = { id: `hot-${randomUUID().slice(0, 8)}`, email: 'hot.reload@example.com' };
    // `pnpm run token` as a user runs it beside `pnpm dev`: it finds the running cloud's state
    // file upwards from the working directory and reads the signing key from its backend.
    const token = execFileSync(
      process.execPath,
      [mintToken, '--customer', customer.id, '--email', customer.email],
      { cwd: workspace, encoding: 'utf8', env },
    ).trim();
    /** Every order: when it was sent, its status and the handler version that answered. */
    const orders: Array<{ sentAt: number; status: number; version?: number; body?: string }> = [];
    let flowing = true;
    // Orders one after another, at most ten a second: a steady flow (each order also runs
    // the stream publisher and the email function) that leaves the watcher's builds some of
    // a two-core machine.
    const flow = (async () => {
      while (flowing) {
        const pace = new Promise((resolve) => setTimeout(resolve, 100));
        const sentAt = performance.now();
        try {
          const response = await fetch(`${state.apiUrl}/orders`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
              'idempotency-key': randomUUID(),
            },
            body: JSON.stringify(DEMO_ORDER),
          });
          const body = await response.text();
          const header = response.headers.get(VERSION_HEADER);
          orders.push({
            sentAt,
            status: response.status,
            ...(header === null ? {} : { version: Number(header) }),
            ...(response.status === 201 ? {} : { body }),
          });
        } catch (error) {
          orders.push({ sentAt, status: 0, body: String(error) });
        }
        await pace;
      }
    })();
    await eventually(async () => (orders.length > 0 ? true : undefined), 'a first order', 60_000);

    // Act: save a syntax error, wait for the failed build; save the fix (the next version),
    // wait for the reload and for an order sent after it, which the new version must answer
    try {
      for (let cycle = 1; cycle <= CYCLES; cycle++) {
        note(`cycle ${cycle}: saving a syntax error (${orders.length} orders so far)`);
        const failed = failedBuilds();
        const fixed = fixedBuilds();
        writeFileSync(handlerFile, `${original}\nexport const broken = ;\n`);
        await eventually(
          async () => (failedBuilds() > failed ? true : undefined),
          `cycle ${cycle}: the failed build`,
          60_000,
        );
        note(`cycle ${cycle}: saving the fix`);
        writeFileSync(handlerFile, handlerVersion(original, cycle));
        await eventually(
          async () => (fixedBuilds() > fixed ? true : undefined),
          `cycle ${cycle}: the fixed build and reload`,
          60_000,
        );
        // The CLI restarts the functions before it reports the reload: an order sent from now
        // on reaches no environment of the previous version.
        const reloadedAt = performance.now();
        const next = await eventually(
          async () => orders.find((order) => order.sentAt > reloadedAt),
          `cycle ${cycle}: an order sent after the reload`,
          30_000,
        );
        note(
          `cycle ${cycle}: the first order after the reload answered by version ${next.version}`,
        );
        expect(next.version, `cycle ${cycle}: version of the first order after the reload`).toBe(
          cycle,
        );
        await eventually(
          async () => new RegExp(`hot-reload cycle ${cycle}(?!\\d)`).test(output) || undefined,
          `cycle ${cycle}: the log line of version ${cycle}'s module load`,
          10_000,
        );
      }
    } finally {
      flowing = false;
      await flow;
    }

    // Assess: every order placed, every invocation (API, authorizer, stream publisher,
    // email) succeeded, every build failure kept the previous bundle
    expect(orders.filter((order) => order.status !== 201)).toEqual([]);
    expect(orders.length).toBeGreaterThan(CYCLES);
    // Sent one after another: every order was answered by a version (failed builds served
    // the previous one), never by an older one than the order before it.
    const versions = orders.map((order) => order.version);
    expect(versions.filter((version) => version === undefined)).toEqual([]);
    expect(
      versions.filter((version, index) => index > 0 && (version ?? 0) < (versions[index - 1] ?? 0)),
    ).toEqual([]);
    expect(output.match(/^.*REPORT RequestId:.*Status:.*$/gm) ?? []).toEqual([]);
    expect(output.match(/^.*Runtime\.\w+.*$/gm) ?? []).toEqual([]);
    expect(count(/its functions keep the previous bundle/g)).toBeGreaterThanOrEqual(CYCLES);

    // Act: stop the CLI as Ctrl+C would
    const processes = descendants(cliPid);
    const ports = portsOf(state);
    child.kill('SIGINT');

    // Assess: it exits 0, and leaves no process, no port and no state file behind
    const code = await eventually(
      async () => Promise.race([exited, Promise.resolve(undefined)]),
      'the CLI to exit',
      20_000,
    );
    expect(code).toBe(0);
    await eventually(
      async () => (processes.every((pid) => !isRunning(pid)) ? true : undefined),
      `the CLI's processes (${processes.join(', ')}) to end`,
      15_000,
    );
    for (const port of ports) expect(await isFree(port)).toBe(true);
    expect(existsSync(stateFile)).toBe(false);
  });
});
