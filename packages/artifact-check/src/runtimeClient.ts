import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** The version of AWS's Node.js runtime interface client the artifacts are run with. */
export const RIC_VERSION = '4.0.2';

/** An installed aws-lambda-ric. */
export interface RuntimeClient {
  /** The package folder (LAMBDA_RUNTIME_DIR). */
  dir: string;
  /** index.mjs, what the function process runs. */
  entry: string;
  version: string;
}

/** aws-lambda-ric could not be installed or is unusable. */
export class RuntimeClientError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RuntimeClientError';
  }
}

/**
 * Where aws-lambda-ric is installed: `$ARTIFACT_CHECK_RIC_CACHE` (CI can keep it between
 * runs), else the repository's node_modules/.cache/aws-lambda-ric.
 */
export const defaultRuntimeClientCache = (repoRoot: string): string =>
  process.env.ARTIFACT_CHECK_RIC_CACHE ??
  path.join(repoRoot, 'node_modules', '.cache', 'aws-lambda-ric');

const installed = async (dir: string): Promise<RuntimeClient | undefined> => {
  const manifest = path.join(dir, 'package.json');
  if (!existsSync(manifest)) return undefined;
  const { version } = JSON.parse(await readFile(manifest, 'utf8')) as { version?: string };
  // The native HTTP client is built by the package's install scripts.
  if (version !== RIC_VERSION || !existsSync(path.join(dir, 'rapid-client.node'))) return undefined;
  return { dir, entry: path.join(dir, 'index.mjs'), version };
};

const tail = async (file: string, lines: number) =>
  (await readFile(file, 'utf8').catch(() => '')).trimEnd().split('\n').slice(-lines).join('\n');

/**
 * aws-lambda-ric@4.0.2 from the npm registry, installed on first use into `cacheDir` (it
 * compiles curl, aws-lambda-cpp and a Node addon, which takes a minute or two and needs
 * cmake, autoconf, automake, libtool, make and g++). Deliberately not a workspace
 * dependency: every `pnpm install` would then need those build tools.
 */
export const ensureRuntimeClient = async (
  cacheDir: string,
  say: (message: string) => void,
): Promise<RuntimeClient> => {
  const dir = path.join(cacheDir, 'node_modules', 'aws-lambda-ric');
  const present = await installed(dir);
  if (present) return present;
  await mkdir(cacheDir, { recursive: true });
  const logFile = path.join(cacheDir, 'install.log');
  say(
    `Installing aws-lambda-ric@${RIC_VERSION} into ${cacheDir} (compiles native code, about 1-2 min; once per machine) ...`,
  );
  const started = performance.now();
  const args = [
    'install',
    '--prefix',
    cacheDir,
    '--foreground-scripts',
    '--no-audit',
    '--no-fund',
    '--save-exact',
    `aws-lambda-ric@${RIC_VERSION}`,
  ];
  const log = createWriteStream(logFile);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('npm', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on('error', (error) =>
      reject(new RuntimeClientError(`cannot run npm: ${error.message}`, { cause: error })),
    );
    child.on('close', resolve);
  }).finally(() => log.end());
  const result = await installed(dir);
  if (code !== 0 || result === undefined) {
    throw new RuntimeClientError(
      `npm install aws-lambda-ric@${RIC_VERSION} failed (exit ${code}); it builds native code and needs cmake, autoconf, automake, libtool, make and g++ (Debian: apt-get install -y cmake autoconf automake libtool make g++), and npm must run its install scripts. Last lines of ${logFile}:\n${await tail(logFile, 25)}`,
    );
  }
  say(
    `Installed aws-lambda-ric@${RIC_VERSION} in ${((performance.now() - started) / 1000).toFixed(0)} s.`,
  );
  return result;
};
