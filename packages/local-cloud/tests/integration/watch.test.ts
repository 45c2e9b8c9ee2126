import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
writeFileSync(
  path.join(root, 'template.yaml'),
  `Resources:
  GreetFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: services/greeter/dist/greet/
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
const stopWatching = watchSources(root, cloud.model, cloud.functions, memoryLog());
afterAll(async () => {
  stopWatching();
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
