import { InMemoryOrderRepository } from '../support/InMemoryOrderRepository.js';
import { orderRepositoryContract } from '../support/orderRepositoryContract.js';

// The fake the use-case and handler tests run on keeps the promises of the real adapter
// (tests/integration/DynamoDBOrderRepository.test.ts runs the same contract on a table).

orderRepositoryContract('InMemoryOrderRepository', async () => new InMemoryOrderRepository());
