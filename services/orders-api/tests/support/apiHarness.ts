import { createLogger } from '@shop/common/logger';
import { InMemoryPersistenceLayer } from '@shop/testing/idempotency';
import { createCursorCodec } from '../../src/domain/cursor.js';
import { type ApiDependencies, createApiHandler } from '../../src/http/apiHandler.js';
import { createIdempotentPlaceOrder } from '../../src/http/idempotentPlaceOrder.js';
import { fakeRuntime } from './fakes.js';
import { InMemoryOrderRepository } from './InMemoryOrderRepository.js';

/** Records metrics the way the handler uses Powertools Metrics. */
export class FakeMetrics {
  readonly published: Record<string, number>[] = [];
  #stored: Record<string, number> = {};

  addMetric(name: string, _unit: string, value: number) {
    this.#stored[name] = (this.#stored[name] ?? 0) + value;
  }

  hasStoredMetrics() {
    return Object.keys(this.#stored).length > 0;
  }

  publishStoredMetrics() {
    this.published.push(this.#stored);
    this.#stored = {};
  }

  total(name: string) {
    return this.published.reduce((sum, batch) => sum + (batch[name] ?? 0), 0);
  }
}

/** The API handler over in-memory fakes (orders table and idempotency store). */
export const apiHarness = (overrides: Partial<ApiDependencies> = {}) => {
  const repository = new InMemoryOrderRepository();
  const runtime = fakeRuntime();
  const idempotencyStore = new InMemoryPersistenceLayer();
  const metrics = new FakeMetrics();
  const deps = {
    repository,
    runtime,
    placing: createIdempotentPlaceOrder({
      repository,
      runtime,
      persistenceStore: idempotencyStore,
    }),
    cursors: createCursorCodec(async () => ({ current: 'cursor-test-key' })),
    logger: createLogger('orders-api', { logLevel: 'SILENT' }),
    metrics: metrics as unknown as ApiDependencies['metrics'],
    ...overrides,
  } satisfies ApiDependencies;
  return { handler: createApiHandler(deps), repository, runtime, idempotencyStore, metrics };
};
