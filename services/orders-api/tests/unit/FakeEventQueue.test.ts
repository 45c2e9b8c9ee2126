import { FakeEventQueue } from '../support/fakes.js';
import { orderEventQueueContract } from '../support/orderEventQueueContract.js';

// The fake the publisher tests run on keeps the promises of the real adapter
// (tests/integration/SqsOrderEventQueue.test.ts runs the same contract on SQS queues).

orderEventQueueContract('FakeEventQueue', async () => {
  const queue = new FakeEventQueue();
  return {
    queue,
    delivered: async () => [...queue.sent],
    quarantined: async () => [...queue.quarantined],
  };
});
