import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryLog } from '../../src/dev/log.js';
import { bootstrapCommand } from '../../src/lambda/bootstrapPath.js';
import { MAX_RESPONSE_BYTES } from '../../src/lambda/constants.js';
import { LambdaEnvironment } from '../../src/lambda/LambdaEnvironment.js';
import { LambdaFunction } from '../../src/lambda/LambdaFunction.js';
import type { RuntimeError } from '../../src/lambda/RuntimeApiServer.js';
import type { LambdaFunctionOptions } from '../../src/lambda/types.js';
import type { FunctionModel } from '../../src/provision/model.js';
import { functionModel } from '../support/functionModel.js';
import { hasEnded } from '../support/processes.js';

// Child processes (one per environment, and what their handlers start): integration tests.
const fixtures = path.resolve(import.meta.dirname, '../fixtures/functions');
const running: LambdaFunction[] = [];
const started: number[] = [];

const spawner = (
  overrides: Partial<FunctionModel> = {},
  options: Partial<LambdaFunctionOptions> = {},
) => {
  const log = memoryLog();
  const model = functionModel('SpawnerFunction', path.join(fixtures, 'spawner'), overrides);
  const fn = new LambdaFunction(model, {
    backendEnv: { AWS_REGION: 'us-east-1' },
    log,
    ...bootstrapCommand(),
    ...options,
  });
  running.push(fn);
  return { fn, log };
};

/** The pid the handler logged (`spawned <pid>`), once it has. */
const spawnedPid = async (log: { lines: string[] }): Promise<number> => {
  let pid: number | undefined;
  await vi.waitFor(
    () => {
      const line = log.lines.find((l) => /spawned \d+/.test(l));
      expect(line).toBeDefined();
      pid = Number(/spawned (\d+)/.exec(line as string)?.[1]);
    },
    { timeout: 10_000, interval: 50 },
  );
  started.push(pid as number);
  return pid as number;
};

afterEach(async () => {
  await Promise.all(running.splice(0).map((fn) => fn.stop()));
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone: the fix under test did its job
    }
  }
});

describe('LambdaEnvironment processes', () => {
  it('ends the processes a handler started when its invocation times out', async () => {
    // Prepare
    const { fn, log } = spawner({ timeoutSeconds: 1 });

    // Act
    const result = await fn.invoke({ sleepMs: 5_000 });
    const pid = await spawnedPid(log);

    // Assess
    expect(result.error?.errorType).toBe('Sandbox.Timedout');
    await vi.waitFor(() => expect(hasEnded(pid)).toBe(true), { timeout: 10_000, interval: 50 });
  });

  it('ends the processes a handler started when the function stops', async () => {
    // Prepare
    const { fn, log } = spawner();
    const result = await fn.invoke({});
    const pid = await spawnedPid(log);
    expect(JSON.parse(result.payload ?? 'null')).toEqual({ pid });
    expect(hasEnded(pid)).toBe(false);

    // Act
    await fn.stop();

    // Assess
    await vi.waitFor(() => expect(hasEnded(pid)).toBe(true), { timeout: 10_000, interval: 50 });
  });

  it('fails at once with the spawn error when the runtime command does not exist', async () => {
    // Prepare: the init phase would time out after 10 s
    const { runtimeDir } = bootstrapCommand();
    const { fn } = spawner(
      {},
      {
        runtimeCommand: { command: '/nonexistent/runtime-client', args: [] },
        runtimeDir,
      },
    );

    // Act
    const result = await fn.invoke({});

    // Assess
    expect(result.ok).toBe(false);
    expect(result.error?.errorType).toBe('Runtime.InvalidEntrypoint');
    expect(result.error?.errorMessage).toContain('ENOENT');
    expect(result.error?.errorMessage).toContain('/nonexistent/runtime-client');
    expect(fn.counts()).toEqual({ starting: 0, idle: 0, busy: 0, queued: 0 });
  });
  it('ends an environment at once when its code folder is gone at the spawn', async () => {
    // Prepare: the folder disappears between the check before a cold start and the spawn
    const { fn } = spawner({ codeDir: path.join(fixtures, 'removed-meanwhile') });
    let ended: (error: RuntimeError | undefined) => void = () => undefined;
    const initError = new Promise<RuntimeError | undefined>((resolve) => {
      ended = resolve;
    });
    const env = new LambdaEnvironment(
      fn.model,
      { backendEnv: {}, log: memoryLog(), ...bootstrapCommand() },
      { idle: () => undefined, gone: (_env, error) => ended(error) },
    );

    // Act
    await env.start();

    // Assess
    expect(await initError).toEqual({
      errorType: 'Runtime.InvalidEntrypoint',
      errorMessage: expect.stringContaining(
        `ENOENT (code folder ${path.join(fixtures, 'removed-meanwhile')} is gone)`,
      ),
    });
    expect(env.state).toBe('gone');
  });
});

describe('LambdaFunction response size', () => {
  it('returns a response of 6,291,556 bytes and refuses one byte more', async () => {
    // Prepare
    const { fn } = spawner();

    // Act
    const atLimit = await fn.invoke({ respondBytes: MAX_RESPONSE_BYTES });
    const overLimit = await fn.invoke({ respondBytes: MAX_RESPONSE_BYTES + 1 });

    // Assess
    expect(MAX_RESPONSE_BYTES).toBe(6_291_556);
    expect(atLimit.error).toBeUndefined();
    expect(Buffer.byteLength(atLimit.payload ?? '')).toBe(6_291_556);
    expect(overLimit.error).toEqual({
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage:
        'Response payload size (6291557 bytes) exceeded maximum allowed payload size (6291556 bytes).',
    });
  });
});
