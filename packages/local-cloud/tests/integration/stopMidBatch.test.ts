import path from 'node:path';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startLocalCloud } from '../../src/cloud/startLocalCloud.js';
import { memoryLog } from '../../src/dev/log.js';
import { uniqueName, useBackends } from '../../src/testing.js';

// Stopping the runner while an SQS batch runs (its function takes a minute): the stop does not
// wait for the function, and the message stays in the queue for the next run.
const { backends, clients } = useBackends();
afterAll(() => clients.destroy());

describe('stopping the runner mid-batch', () => {
  it('ends the batch in flight as failed and leaves its message in the queue', async () => {
    // Prepare
    const cloud = await startLocalCloud({
      templatePath: path.resolve(import.meta.dirname, '../fixtures/slowConsumer.yaml'),
      backends,
      stackName: uniqueName('stop'),
      port: 0,
      log: memoryLog(),
      sqsRetryDelaySeconds: 1,
      sqsWaitTimeSeconds: 1,
    });
    const queueUrl = cloud.describe().queues.WorkQueue?.url as string;
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'work' }));
    const consumer = cloud.functions.get('SlowConsumerFunction');
    await vi.waitFor(() => expect(consumer.counts().busy).toBe(1), {
      timeout: 30_000,
      interval: 100,
    });

    // Act
    const stopping = Date.now();
    await cloud.stop();
    const stoppedAfterMs = Date.now() - stopping;

    // Assess: well before the function's minute; the message comes back (1 s retry delay).
    expect(stoppedAfterMs).toBeLessThan(30_000);
    await vi.waitFor(
      async () => {
        const { Messages = [] } = await clients.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }),
        );
        expect(Messages.map((message) => message.Body)).toEqual(['work']);
      },
      { timeout: 30_000, interval: 200 },
    );
  }, 90_000);
});
