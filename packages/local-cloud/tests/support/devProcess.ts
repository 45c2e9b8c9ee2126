import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const packageDir = path.resolve(import.meta.dirname, '..', '..');
/** The CLI as users run it: dist/cli.mjs, built from the sources by tests/support/buildCli.ts. */
export const cliArgs = [path.join(packageDir, 'dist', 'cli.mjs')];

/** A throw-away project: an HTTP API, one function, a signing secret and its parameters. */
export const makeProject = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'local-cloud-cli-'));
  mkdirSync(path.join(dir, 'fn'));
  writeFileSync(
    path.join(dir, 'fn', 'index.mjs'),
    "export const handler = async () => ({ statusCode: 200, body: 'hi' });\n",
  );
  writeFileSync(
    path.join(dir, 'template.yaml'),
    `Transform: AWS::Serverless-2016-10-31
Parameters:
  JwtIssuer: { Type: String, Default: test-issuer }
  JwtAudience: { Type: String, Default: test-audience }
Resources:
  SigningKeySecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      SecretString: a-signing-key-for-tests
  Api:
    Type: AWS::Serverless::HttpApi
  HelloFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn/
      Handler: index.handler
      Runtime: nodejs24.x
      Events:
        Get: { Type: HttpApi, Properties: { ApiId: !Ref Api, Path: /hello, Method: GET } }
`,
  );
  return dir;
};

export const stateFileIn = (dir: string) =>
  path.join(dir, 'node_modules', '.cache', 'local-cloud', 'dev.json');

const withoutEndpoint = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('AWS_ENDPOINT_URL')));

/** A child process with its output collected. */
export interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export const run = (command: string, args: string[], cwd: string): Running => {
  const child = spawn(command, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    // The CLI under test runs its own embedded backends, also when the suite itself runs
    // against an external endpoint (CI's moto pass).
    env: { ...withoutEndpoint(process.env), NO_COLOR: '1' },
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, output: () => text, exited };
};

export const startDev = (dir: string, extra: string[] = []): Running =>
  run(
    process.execPath,
    [...cliArgs, 'dev', '--port', '0', '--backend-port', '0', '--no-watch', ...extra],
    dir,
  );

export { descendants } from '../../src/testing.js';

export const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Whether a port can be bound on loopback again. */
export const isFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
