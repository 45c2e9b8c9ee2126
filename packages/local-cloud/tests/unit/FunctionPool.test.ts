import type { SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it, vi } from 'vitest';
import type { BackendClients } from '../../src/clients.js';
import { memoryLog } from '../../src/dev/log.js';
import { bootstrapCommand } from '../../src/lambda/bootstrapPath.js';
import { FunctionPool } from '../../src/lambda/FunctionPool.js';
import type { FunctionModel, LocalStackModel } from '../../src/provision/model.js';
import { functionModel } from '../support/functionModel.js';

// A function whose code cannot load fails every invocation at once (no process starts).
const failing = functionModel('Broken', '/nowhere', {
  timeoutSeconds: 3,
  async: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600, deadLetterQueueId: 'Dlq' },
  problem: 'Code folder /nowhere does not exist',
});

// ReservedConcurrentExecutions: 0: every invocation is throttled (no process starts either).
const throttled: FunctionModel = {
  ...failing,
  logicalId: 'Throttled',
  name: 'shop-local-Throttled',
  arn: 'arn:aws:lambda:us-east-1:000000000000:function:shop-local-Throttled',
  reservedConcurrency: 0,
  async: {
    maximumRetryAttempts: 2,
    maximumEventAgeSeconds: 1,
    onFailure: { kind: 'queue', resourceId: 'Failures' },
    deadLetterQueueId: 'Dlq',
  },
};

// The same with Lambda's default maximum event age: 6 hours of retrying.
const throttledLong: FunctionModel = {
  ...throttled,
  logicalId: 'ThrottledLong',
  async: { ...throttled.async, maximumEventAgeSeconds: 21_600 },
};

const poolWith = (delaysMs: number[]) => {
  const send = vi.fn(async (_command: SendMessageCommand) => ({}));
  const log = memoryLog();
  const model = {
    functions: new Map([
      [failing.logicalId, failing],
      [throttled.logicalId, throttled],
      [throttledLong.logicalId, throttledLong],
    ]),
    queues: new Map([
      ['Dlq', { url: 'http://sqs/000000000000/dlq' }],
      ['Failures', { url: 'http://sqs/000000000000/failures' }],
    ]),
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

  it('serialises an asynchronous event once for all its attempts and its dead letter', async () => {
    // Prepare: an event that counts how often it is turned into JSON
    const { pool, send } = poolWith([1, 1]);
    let serialised = 0;
    const event = {
      toJSON: () => {
        serialised++;
        return { n: 1 };
      },
    };

    // Act: three attempts (two retries), then the dead-letter queue
    pool.invokeAsync('Broken', event);
    await pool.idle();

    // Assess
    expect(send).toHaveBeenCalledTimes(1);
    expect(JSON.parse(send.mock.calls[0]?.[0].input.MessageBody ?? '')).toEqual({ n: 1 });
    expect(serialised).toBe(1);
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

  it('keeps retrying a throttled event until its maximum age, then sends it on as EventAgeExceeded', async () => {
    // Prepare: retries 1 ms apart would use up two retry attempts at once if throttles counted
    const { pool, send } = poolWith([1, 1]);
    const queuedAt = Date.now();

    // Act
    pool.invokeAsync('Throttled', { n: 1 });
    await vi.waitFor(() => expect(send).toHaveBeenCalledTimes(2), { timeout: 10_000 });

    // Assess: nothing went anywhere before the event was 1 s old
    expect(Date.now() - queuedAt).toBeGreaterThanOrEqual(1000);
    const sent = send.mock.calls.map(([command]) => command.input);
    const failure = sent.find((input) => input.QueueUrl?.endsWith('/failures'));
    const dead = sent.find((input) => input.QueueUrl?.endsWith('/dlq'));
    expect(JSON.parse(failure?.MessageBody ?? '{}')).toMatchObject({
      requestContext: { condition: 'EventAgeExceeded', approximateInvokeCount: 0 },
      requestPayload: { n: 1 },
      responsePayload: { errorType: 'TooManyRequestsException' },
    });
    expect(JSON.parse(dead?.MessageBody ?? '{}')).toEqual({ n: 1 });
    expect(dead?.MessageAttributes?.ErrorCode?.StringValue).toBe('429');
    await pool.idle();
  });

  it('ends the wait of a throttled event when the pool stops, sending it nowhere', async () => {
    // Prepare: throttled a few times, with hours to go
    const { pool, send, log } = poolWith([1, 1]);
    pool.invokeAsync('ThrottledLong', { n: 1 });
    await vi.waitFor(
      () =>
        expect(log.lines.join('\n')).toContain('ThrottledLong: asynchronous invocation throttled'),
      { timeout: 5_000 },
    );

    // Act
    await pool.stop();
    await pool.idle();

    // Assess
    expect(send).not.toHaveBeenCalled();
  });

  it('refuses an event over the 1 MB limit of asynchronous invocations', async () => {
    // Prepare: the quotes make the JSON two bytes longer than the string
    const { pool, send, log } = poolWith([1, 1]);
    const atLimit = 'x'.repeat(1_048_576 - 2);

    // Act
    const refused = pool.invokeAsync('Broken', `${atLimit}x`);
    const accepted = pool.invokeAsync('Broken', atLimit);
    await pool.idle();

    // Assess: the one at the limit ran (and failed into the dead-letter queue)
    expect(refused).toEqual({
      accepted: false,
      error: {
        errorType: 'RequestEntityTooLargeException',
        errorMessage: 'Request must be smaller than 1048576 bytes for the InvokeFunction operation',
      },
    });
    expect(accepted).toEqual({ accepted: true });
    expect(send).toHaveBeenCalledTimes(1);
    expect(log.lines.join('\n')).toContain('Broken: asynchronous invocation refused');
  });
});
