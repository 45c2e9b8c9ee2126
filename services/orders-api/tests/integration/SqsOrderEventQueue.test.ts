import { orderEventSchema } from '@shop/contracts/orderEvents';
import { ensureQueue } from '@shop/local-cloud';
import { uniqueName, useBackends } from '@shop/local-cloud/testing';
import { afterAll } from 'vitest';
import { SqsOrderEventQueue } from '../../src/adapters/SqsOrderEventQueue.js';
import { orderEventQueueContract } from '../support/orderEventQueueContract.js';
import { createOrderEventsQueue, drainQueue } from '../support/resources.js';

// The real adapter on OrderEventsQueue.fifo (as the template configures it) and a standard
// dead-letter queue (embedded SQS, or moto with AWS_ENDPOINT_URL), held to the same contract
// as the fake the publisher tests run on.

const { clients } = useBackends();
afterAll(() => clients.destroy());

orderEventQueueContract('SqsOrderEventQueue', async () => {
  const queueUrl = (await createOrderEventsQueue(clients)).url;
  const deadLetterQueueUrl = (await ensureQueue(clients, uniqueName('publisher-dlq'))).url;
  return {
    queue: new SqsOrderEventQueue(clients.sqs, { queueUrl, deadLetterQueueUrl }),
    delivered: async () =>
      (await drainQueue(clients.sqs, queueUrl)).map((message) =>
        orderEventSchema.parse(JSON.parse(message.Body ?? '')),
      ),
    quarantined: async () =>
      (await drainQueue(clients.sqs, deadLetterQueueUrl)).map((message) => {
        const { record, reason } = JSON.parse(message.Body ?? '') as {
          record: unknown;
          reason: string;
        };
        return { record, reason };
      }),
  };
});
