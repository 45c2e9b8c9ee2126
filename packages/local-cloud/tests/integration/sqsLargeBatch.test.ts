import path from 'node:path';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startLocalCloud } from '../../src/cloud/startLocalCloud.js';
import { memoryLog } from '../../src/dev/log.js';
import { MAX_SYNC_REQUEST_BYTES } from '../../src/lambda/constants.js';
import { uniqueName, useBackends } from '../../src/testing.js';

// An SQS mapping whose batch is over Lambda's 6 MB payload limit, end to end (fauxqs
// embedded, or moto with AWS_ENDPOINT_URL): 30 messages of ~250 KB (~7.5 MB) for a batch of
// up to 30. The poller must cut the batch where it stops fitting and deliver the rest in a
// following batch; a batch sent whole is refused by Invoke, again on every redelivery, until
// the redrive moves every message to the DLQ.
const { backends, clients } = useBackends();
const log = memoryLog();
const cloud = await startLocalCloud({
  templatePath: path.resolve(import.meta.dirname, '../fixtures/largeBatch.yaml'),
  backends,
  stackName: uniqueName('large'),
  port: 0,
  log,
  sqsWaitTimeSeconds: 1,
});
afterAll(async () => {
  await cloud.stop();
  clients.destroy();
});

const { tables, queues } = cloud.describe();

interface Invocation {
  records: number;
  bytes: number;
  ns: number[];
  receiveCounts: string[];
}

const invocations = async (test: string): Promise<Invocation[]> => {
  const { Items = [] } = await clients.dynamodb.send(
    new QueryCommand({
      TableName: tables.LogTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: test } },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => JSON.parse(item.invocation?.S ?? '{}'));
};

/** Under the 256 KiB body limit of SQS (and moto's default), over 6 MB for 26 of them. */
const body = (test: string, n: number) => JSON.stringify({ test, n, pad: 'x'.repeat(250_000) });

describe('SQS batches over the 6 MB payload limit', () => {
  it('cuts the batch at the limit and delivers every message once, none to the DLQ', async () => {
    // Prepare
    const test = uniqueName('large');
    const ns = Array.from({ length: 30 }, (_, n) => n);

    // Act
    await Promise.all(
      ns.map((n) =>
        clients.sqs.send(
          new SendMessageCommand({ QueueUrl: queues.LargeQueue?.url, MessageBody: body(test, n) }),
        ),
      ),
    );

    // Assess: every message delivered, each exactly once, in invocations within the limit.
    const found = await vi.waitFor(
      async () => {
        const all = await invocations(test);
        expect(all.flatMap((invocation) => invocation.ns).sort((a, b) => a - b)).toEqual(ns);
        return all;
      },
      { timeout: 40_000, interval: 250 },
    );
    expect(found.length).toBeGreaterThan(1);
    for (const invocation of found) {
      expect(invocation.records).toBe(invocation.ns.length);
      expect(invocation.bytes).toBeLessThanOrEqual(MAX_SYNC_REQUEST_BYTES);
    }
    expect(log.lines.some((line) => line.includes('batch cut at the 6291456-byte'))).toBe(true);
    expect(log.lines.filter((line) => line.includes('RequestEntityTooLarge'))).toEqual([]);
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.LargeDeadLetterQueue?.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    expect(Messages).toEqual([]);
  }, 60_000);
});
