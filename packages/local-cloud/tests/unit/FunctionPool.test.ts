import { describe, expect, it, vi } from 'vitest';
import type { BackendClients } from '../../src/clients.js';
import { memoryLog } from '../../src/dev/log.js';
import { bootstrapCommand } from '../../src/lambda/bootstrapPath.js';
import { FunctionPool } from '../../src/lambda/FunctionPool.js';
import type { FunctionModel, LocalStackModel } from '../../src/provision/model.js';

// A function whose code cannot load fails every invocation at once (no process starts).
const failing: FunctionModel = {
  logicalId: 'Broken',
  name: 'shop-local-Broken',
  arn: 'arn:aws:lambda:us-east-1:000000000000:function:shop-local-Broken',
  codeDir: '/nowhere',
  handler: 'index.handler',
  runtime: 'nodejs24.x',
  timeoutSeconds: 3,
  memoryMb: 128,
  architecture: 'arm64',
  environment: {},
  logGroupName: '/aws/lambda/shop-local-Broken',
  logFormat: 'Text',
  async: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600, deadLetterQueueId: 'Dlq' },
  problem: 'Code folder /nowhere does not exist',
};

const poolWith = (delaysMs: number[]) => {
  const send = vi.fn(async () => ({}));
  const log = memoryLog();
  const model = {
    functions: new Map([[failing.logicalId, failing]]),
    queues: new Map([['Dlq', { url: 'http://sqs/000000000000/dlq' }]]),
  } as unknown as LocalStackModel;
  const pool = new FunctionPool(model, { sqs: { send } } as unknown as BackendClients, {
    backendEnv: {},
    log,
    ...bootstrapCommand(),
    asyncRetryDelaysMs: delaysMs,
  });
  return { pool, send, log };
};

describe('FunctionPool asynchronous invocations', () => {
  it('sends an event that failed every attempt to the dead-letter queue', async () => {
    // Prepare
    const { pool, send } = poolWith([1, 1]);

    // Act
    pool.invokeAsync('Broken', { n: 1 });
    await pool.idle();

    // Assess
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('drops a retry waiting when the pool stops: no dead letter for the runner stopping', async () => {
    // Prepare: the first attempt fails; the retry would come a minute later.
    const { pool, send, log } = poolWith([60_000]);
    pool.invokeAsync('Broken', { n: 1 });

    // Act
    await pool.stop();
    await pool.idle();

    // Assess
    expect(send).not.toHaveBeenCalled();
    expect(log.lines.join('\n')).toContain(
      'Broken: asynchronous invocation dropped after 1 attempt(s): the local cloud stopped',
    );
  });
});
