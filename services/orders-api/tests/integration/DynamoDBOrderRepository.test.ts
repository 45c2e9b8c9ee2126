import { useBackends } from '@shop/local-cloud/testing';
import { afterAll } from 'vitest';
import { DynamoDBOrderRepository } from '../../src/adapters/DynamoDBOrderRepository.js';
import { orderRepositoryContract } from '../support/orderRepositoryContract.js';
import { createOrdersTable } from '../support/resources.js';

// The real adapter on OrdersTable as template.yaml defines it (embedded DynamoDB, or moto with
// AWS_ENDPOINT_URL), held to the same contract as the in-memory fake.

const { clients } = useBackends();
afterAll(() => clients.destroy());

orderRepositoryContract(
  'DynamoDBOrderRepository',
  async () => {
    const { tableName } = await createOrdersTable(clients);
    return new DynamoDBOrderRepository(clients.dynamodb, tableName);
  },
  // moto's conditional writes are not atomic under concurrency (see shared notes).
  { atomicConcurrentWrites: process.env.AWS_ENDPOINT_URL === undefined },
);
