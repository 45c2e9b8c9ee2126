import path from 'node:path';
import type { FunctionModel } from '../../src/provision/model.js';

/** The fixture functions' folder (tests/fixtures/functions/<name>). */
export const FIXTURE_FUNCTIONS = path.resolve(import.meta.dirname, '../fixtures/functions');

/**
 * A function as provisioning models it, for runner tests: named after `logicalId` in stack
 * `shop-local`, Node 24 on arm64, 10 s, 128 MB, text logs, Lambda's async defaults, its code
 * in `codeDir`; `overrides` change any of it.
 *
 * @example
 * const model = functionModel('EchoFunction', path.join(FIXTURE_FUNCTIONS, 'echo'), { timeoutSeconds: 3 });
 */
export const functionModel = (
  logicalId: string,
  codeDir: string,
  overrides: Partial<FunctionModel> = {},
): FunctionModel => ({
  logicalId,
  name: `shop-local-${logicalId}`,
  arn: `arn:aws:lambda:us-east-1:000000000000:function:shop-local-${logicalId}`,
  codeDir,
  handler: 'index.handler',
  runtime: 'nodejs24.x',
  timeoutSeconds: 10,
  memoryMb: 128,
  architecture: 'arm64',
  environment: {},
  logGroupName: `/aws/lambda/shop-local-${logicalId}`,
  logFormat: 'Text',
  async: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600 },
  ...overrides,
});
