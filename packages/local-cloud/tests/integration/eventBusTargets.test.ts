import { randomUUID } from 'node:crypto';
import { DeleteMessageCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { memoryLog } from '../../src/dev/log.js';
import type { FunctionPool } from '../../src/lambda/FunctionPool.js';
import { provisionStack } from '../../src/provision/provisionStack.js';
import { parseTemplate } from '../../src/template/parseTemplate.js';
import { Stack } from '../../src/template/Stack.js';
import { uniqueName, useBackends } from '../../src/testing.js';
import { EventBus } from '../../src/triggers/eventbridge/EventBus.js';

// EventBridge rule targets on the real SQS backend (fauxqs embedded, or moto): the rule's
// queues are created from a template, events are put on the bus the runner uses.
const { clients } = useBackends();
afterAll(() => clients.destroy());

const model = await provisionStack(
  new Stack(
    parseTemplate(`
Resources:
  OrderEvents:
    Type: AWS::SQS::Queue
    Properties: { FifoQueue: true, ContentBasedDeduplication: false }
  OrderEventsRule:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: { source: [shop.orders] }
      Targets:
        - Id: OrderEvents
          Arn: !GetAtt OrderEvents.Arn
          SqsParameters: { MessageGroupId: orders }
`),
    { stackName: uniqueName('bus') },
  ),
  clients,
  { templateDir: '/tmp' },
);
const log = memoryLog();
// Only queue targets here: no function is ever invoked.
const bus = new EventBus(model, {} as FunctionPool, clients, log);

const orderEvent = (orderId: string) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'OrderPlaced',
  source: 'shop.orders',
  account: model.accountId,
  time: new Date().toISOString(),
  region: model.region,
  resources: [],
  detail: { orderId },
});

/** Receive (and delete) messages one by one until `count` came: a FIFO group is locked meanwhile. */
const receive = async (queueUrl: string | undefined, count: number) => {
  const received: Message[] = [];
  await vi.waitFor(
    async () => {
      const { Messages = [] } = await clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
        }),
      );
      for (const message of Messages) {
        received.push(message);
        await clients.sqs.send(
          new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      }
      expect(received.length).toBeGreaterThanOrEqual(count);
    },
    { timeout: 15_000, interval: 100 },
  );
  return received;
};

describe('EventBridge rule targets', () => {
  it('delivers events to a FIFO queue in the target group, deduplicated by event id', async () => {
    // Prepare
    const first = orderEvent('o-1');
    const second = orderEvent('o-2');

    // Act: the first event twice (a redelivery), then the second.
    const delivered = [await bus.put(first), await bus.put(first), await bus.put(second)];

    // Assess
    expect(delivered).toEqual([1, 1, 1]);
    const messages = await receive(model.queues.get('OrderEvents')?.url, 2);
    expect(messages.map((m) => JSON.parse(m.Body ?? '{}'))).toEqual([first, second]);
    expect(messages.map((m) => m.Attributes)).toEqual([
      { MessageGroupId: 'orders', MessageDeduplicationId: first.id },
      { MessageGroupId: 'orders', MessageDeduplicationId: second.id },
    ]);
    expect(log.lines.filter((line) => line.includes('OrderEventsRule'))).toEqual([]);
  });
});
