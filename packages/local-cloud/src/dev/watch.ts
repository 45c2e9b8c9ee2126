import { existsSync, type FSWatcher, readdirSync, readFileSync, watch } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../lambda/bootstrapPath.js';
import type { FunctionPool } from '../lambda/FunctionPool.js';
import type { LocalStackModel } from '../provision/model.js';
import { runBuild } from './buildPackage.js';
import type { RunnerLog } from './log.js';

/** A workspace package, as watch mode sees it. */
export interface WorkspacePackage {
  name: string;
  dir: string;
  dependencies: Set<string>;
  hasBuild: boolean;
}

const readPackages = (root: string): WorkspacePackage[] =>
  ['services', 'packages'].flatMap((group) => {
    const base = path.join(root, group);
    if (!existsSync(base)) return [];
    return readdirSync(base, { withFileTypes: true })
      .filter(
        (entry) => entry.isDirectory() && existsSync(path.join(base, entry.name, 'package.json')),
      )
      .map((entry) => {
        const dir = path.join(base, entry.name);
        const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
          name: string;
          scripts?: Record<string, string>;
          dependencies?: Record<string, string>;
          devDependencies?: Record<string, string>;
        };
        return {
          name: manifest.name,
          dir,
          dependencies: new Set(
            Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }),
          ),
          hasBuild: manifest.scripts?.build !== undefined,
        };
      });
  });

/**
 * The packages to rebuild when `changed` changes: itself if it has functions, and every
 * package that depends on it (transitively) and has functions.
 */
export const affectedPackages = (
  packages: WorkspacePackage[],
  changed: WorkspacePackage,
  hasFunctions: (pkg: WorkspacePackage) => boolean,
): WorkspacePackage[] => {
  const affected = new Set<WorkspacePackage>([changed]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const pkg of packages) {
      if (affected.has(pkg)) continue;
      if ([...affected].some((a) => pkg.dependencies.has(a.name))) {
        affected.add(pkg);
        grew = true;
      }
    }
  }
  return [...affected].filter((pkg) => pkg.hasBuild && hasFunctions(pkg));
};

/** The first `file:line:column` a build's output names (esbuild's error location). */
export const errorLocation = (output: string): string | undefined =>
  /(?:^|\s)((?:[\w@.-]+\/)*[\w@.-]+\.[cm]?[jt]sx?:\d+:\d+)\b/m.exec(output)?.[1];

/**
 * Watch mode: a change under services/<name>/src or packages/<name>/src rebuilds the
 * affected services (their own `build` script) and drops the environments of their
 * functions, so the next invocation cold-starts the new bundle. A failed build reloads
 * nothing: the functions keep serving the previous bundle (the bundler leaves it in place),
 * and the error is printed once; the same error again is one short line. The function it
 * returns stops watching: a build running then is killed (its whole process group), and the
 * promise resolves once it has ended; no function is reloaded after that.
 */
export const watchSources = (
  root: string,
  model: LocalStackModel,
  pool: FunctionPool,
  log: RunnerLog,
): (() => Promise<void>) => {
  const packages = readPackages(root);
  const functionsOf = (pkg: WorkspacePackage) =>
    [...model.functions.values()]
      .filter((fn) => fn.codeDir.startsWith(pkg.dir + path.sep))
      .map((fn) => fn.logicalId);
  const pending = new Set<WorkspacePackage>();
  let timer: NodeJS.Timeout | undefined;
  let building: Promise<void> | undefined;
  const lastFailure = new Map<string, string>();
  const stopping = new AbortController();

  const rebuild = async () => {
    const batch = [...pending];
    pending.clear();
    const targets = new Set(
      batch.flatMap((pkg) => affectedPackages(packages, pkg, (p) => functionsOf(p).length > 0)),
    );
    for (const pkg of targets) {
      if (stopping.signal.aborted) return;
      const started = performance.now();
      log.info(`rebuilding ${pkg.name} ...`);
      const { ok, output } = await runBuild(pkg.dir, stopping.signal);
      // Stopped mid-build: the build was killed, and the functions are stopping too.
      if (stopping.signal.aborted) return;
      if (!ok) {
        const where = errorLocation(output);
        const headline = `build of ${pkg.name} failed${where ? ` at ${where}` : ''}; its functions keep the previous bundle`;
        if (lastFailure.get(pkg.name) === output) log.error(`${headline} (same error as before)`);
        else log.error(`${headline}:\n${output}`);
        lastFailure.set(pkg.name, output);
        continue;
      }
      const fixed = lastFailure.delete(pkg.name);
      const functions = functionsOf(pkg);
      pool.restart(functions);
      log.info(
        `rebuilt ${pkg.name} in ${Math.round(performance.now() - started)} ms${fixed ? ' (fixed)' : ''}; reloading ${functions.join(', ')}`,
      );
    }
  };

  const schedule = () => {
    if (stopping.signal.aborted) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      building = (building ?? Promise.resolve()).then(rebuild);
    }, 250);
  };

  const watchers: FSWatcher[] = [];
  for (const pkg of packages) {
    const src = path.join(pkg.dir, 'src');
    if (!existsSync(src)) continue;
    // The runner itself (when it lives in the watched workspace) is no function's code.
    if (path.resolve(pkg.dir) === path.resolve(packageRoot())) continue;
    watchers.push(
      watch(src, { recursive: true }, (_event, file) => {
        if (file && /\.(test|spec)\.[cm]?[jt]s$/.test(file)) return;
        pending.add(pkg);
        schedule();
      }),
    );
  }
  return async () => {
    stopping.abort();
    clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
    // A build running now is killed; wait until it has ended.
    await building?.catch(() => undefined);
  };
};
