import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type BundleFeatures, bundleFunction, FEATURES } from '@shop/tooling/bundle';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactFunction } from '../../src/ArtifactFunction.ts';
import { layOut } from '../../src/artifacts.ts';
import {
  defaultRuntimeClientCache,
  ensureRuntimeClient,
  type RuntimeClient,
} from '../../src/runtimeClient.ts';
import { repoRoot } from './brokenBuild.ts';

// A handler that throws its own error class, bundled by shop-bundle's settings and run under
// aws-lambda-ric with JSON logs (as every function of the template): the runtime logs the
// error with `errorType` = the error's constructor name, which minification renames ("ha")
// unless the bundler keeps names.

const FIXTURE = `
class UnexpectedBatchTypeError extends Error {
  constructor() {
    super('Unexpected batch type');
    this.name = 'UnexpectedBatchTypeError';
  }
}
export const handler = async () => {
  throw new UnexpectedBatchTypeError();
};
`;

let scratch: string;
let runtimeClient: RuntimeClient;
beforeAll(async () => {
  runtimeClient = await ensureRuntimeClient(defaultRuntimeClientCache(repoRoot), () => undefined);
  scratch = await mkdtemp(path.join(os.tmpdir(), 'artifact-check-error-types-'));
  await writeFile(path.join(scratch, 'fixture.mjs'), FIXTURE);
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** Bundle the fixture with `features`, run it once under aws-lambda-ric. */
const throwOnce = async (name: string, features: BundleFeatures) => {
  const codeDir = path.join(scratch, name, 'code');
  await mkdir(codeDir, { recursive: true });
  await bundleFunction(path.join(scratch, 'fixture.mjs'), codeDir, { features });
  const layout = await layOut('ThrowingFunction', codeDir, [], path.join(scratch, name, 'root'));
  const fn = new ArtifactFunction(
    {
      logicalId: 'ThrowingFunction',
      name: 'throwing-function',
      arn: 'arn:aws:lambda:us-east-1:123456789012:function:throwing-function',
      codeDir,
      handler: 'index.handler',
      runtime: 'nodejs24.x',
      timeoutSeconds: 10,
      memoryMb: 256,
      architecture: 'x86_64',
      environment: {},
      logGroupName: '/aws/lambda/throwing-function',
      logFormat: 'JSON',
      async: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 },
    },
    layout,
    { backendEnv: { AWS_REGION: 'us-east-1' }, runtimeClient },
  );
  try {
    const { result, lines } = await fn.invoke({});
    // The runtime's "Invoke Error" record: {"level":"ERROR","message":{"errorType":...}}.
    const logged = lines
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { message?: { errorType?: string } })
      .find((entry) => typeof entry.message === 'object' && entry.message !== null);
    return { error: result.error, loggedErrorType: logged?.message?.errorType };
  } finally {
    await fn.stop();
  }
};

describe('error types in aws-lambda-ric output', () => {
  it('names the error class in the log and the response with shop-bundle settings', async () => {
    // Act
    const { error, loggedErrorType } = await throwOnce('current', FEATURES);

    // Assess
    expect(error?.errorType).toBe('UnexpectedBatchTypeError');
    expect(loggedErrorType).toBe('UnexpectedBatchTypeError');
  });

  it('logs a minified name without keepNames (what the setting is for)', async () => {
    // Act
    const { error, loggedErrorType } = await throwOnce('minified', {
      ...FEATURES,
      keepNames: false,
    });

    // Assess: the response uses error.name; the log the constructor's (renamed) name.
    expect(error?.errorType).toBe('UnexpectedBatchTypeError');
    expect(loggedErrorType).toBeDefined();
    expect(loggedErrorType).not.toBe('UnexpectedBatchTypeError');
  });
});
