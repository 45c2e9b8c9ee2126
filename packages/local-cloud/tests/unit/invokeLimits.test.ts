import { describe, expect, it } from 'vitest';
import { memoryLog } from '../../src/dev/log.js';
import { bootstrapCommand } from '../../src/lambda/bootstrapPath.js';
import { LambdaFunction } from '../../src/lambda/LambdaFunction.js';
import { functionModel } from '../support/functionModel.js';

// A function whose code cannot load: an invocation Lambda accepts fails with the import error
// without starting a process, one it refuses fails before that.
const model = functionModel('Unbuilt', '/nowhere', {
  timeoutSeconds: 3,
  problem: 'Code folder /nowhere does not exist',
});

describe('LambdaFunction request size', () => {
  it('refuses a synchronous request over 6,291,456 bytes, as Invoke does', async () => {
    // Prepare: a JSON string is its characters and two quotes
    const fn = new LambdaFunction(model, {
      backendEnv: {},
      log: memoryLog(),
      ...bootstrapCommand(),
    });
    const atLimit = 'é'.repeat((6_291_456 - 2) / 2);

    // Act
    const accepted = await fn.invoke(atLimit);
    const refused = await fn.invoke(`${atLimit}x`);

    // Assess: bytes are counted (UTF-8), not characters
    expect(accepted.error?.errorType).toBe('Runtime.ImportModuleError');
    expect(refused.error).toEqual({
      errorType: 'RequestEntityTooLargeException',
      errorMessage: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
    });
    await fn.stop();
  });
});
