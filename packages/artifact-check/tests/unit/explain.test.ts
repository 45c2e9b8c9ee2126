import { describe, expect, it } from 'vitest';
import { explainFailure, type FailureContext } from '../../src/explain.ts';

const ctx: FailureContext = {
  functionId: 'ThumbnailsFunction',
  handler: 'index.handler',
  codeDir: '.aws-sam/build/ThumbnailsFunction',
  taskFiles: ['index.mjs', 'index.mjs.map'],
  layers: ['SharpLayer'],
  platform: 'linux-x64',
};
const error = (errorType: string, errorMessage: string) => ({ errorType, errorMessage });

describe('explainFailure', () => {
  it.each([
    [
      'sharp without the host binary',
      error(
        'Error',
        'Could not load the "sharp" module using the linux-x64 runtime\nPossible solutions:',
      ),
      /^sharp cannot load for linux-x64: layer SharpLayer has no @img\/sharp-linux-x64/,
    ],
    [
      'sharp not found at all',
      error('Runtime.ImportModuleError', "Error: Cannot find module 'sharp'"),
      /^sharp is not found: it must come from a layer mounted at \/opt\/nodejs\/node_modules/,
    ],
    [
      'a dependency left external',
      error('Error', "Cannot find package 'zod' imported from /tmp/x/var/task/index.mjs"),
      /^the bundle imports "zod", which is not in the artifact/,
    ],
    [
      'a handler export that does not exist',
      error('Runtime.HandlerNotFound', 'index.main is undefined or not exported'),
      /^Handler "index\.handler" does not resolve: index has no export "handler"/,
    ],
    [
      'ESM loaded as CommonJS',
      error(
        'Runtime.UserCodeSyntaxError',
        'SyntaxError: Cannot use import statement outside a module',
      ),
      /^ESM\/CJS mismatch: the bundle is an ES module but Node loads it as CommonJS/,
    ],
    [
      'CommonJS loaded as ESM',
      error('ReferenceError', 'exports is not defined in ES module scope'),
      /^ESM\/CJS mismatch: CommonJS code \(exports\) loaded as an ES module/,
    ],
    [
      'require() in an ESM bundle',
      error('Error', 'Dynamic require of "node:fs" is not supported'),
      /^ESM\/CJS mismatch: the ESM bundle calls require\("node:fs"\)/,
    ],
  ])('diagnoses %s', (_name, failure, expected) => {
    // Act
    const explanation = explainFailure(failure, [], ctx);

    // Assess
    expect(explanation).toMatch(expected);
  });

  it('names the missing handler file with the files that are there', () => {
    // Act
    const explanation = explainFailure(
      error('Runtime.ImportModuleError', "Error: Cannot find module 'app'"),
      [],
      { ...ctx, handler: 'app.handler' },
    );

    // Assess
    expect(explanation).toBe(
      'Handler "app.handler" does not resolve: no app.js/.mjs/.cjs in .aws-sam/build/ThumbnailsFunction (files: index.mjs, index.mjs.map)',
    );
  });

  it('finds the cause in the function output too, and leaves other errors alone', () => {
    // Act
    const fromLogs = explainFailure(
      error('Runtime.ExitError', 'exit status 1'),
      ['ReferenceError: require is not defined in ES module scope'],
      ctx,
    );
    const other = explainFailure(error('ConfigError', 'X is required'), [], ctx);

    // Assess
    expect(fromLogs).toMatch(/^ESM\/CJS mismatch: CommonJS code \(require\)/);
    expect(other).toBeUndefined();
  });
});
