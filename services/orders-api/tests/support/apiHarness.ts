import { createLogger } from '@shop/common/logger';
import { InMemoryPersistenceLayer } from '@shop/testing/idempotency';
import { type ApiDependencies, createApiHandler } from '../../src/app/createApiHandler.js';
import { createIdempotentPlaceOrder } from '../../src/app/idempotentPlaceOrder.js';
import { createCursorCodec } from '../../src/domain/cursor.js';
import { fakeRuntime } from './fakes.js';
import { InMemoryOrderRepository } from './InMemoryOrderRepository.js';

/** Records the business metrics a handler adds (lambdaHandler's logMetrics flushes them). */
export class FakeMetrics {
  readonly added: { name: string; value: number }[] = [];

  addMetric(name: string, _unit: string, value: number) {
    this.added.push({ name, value });
  }

  total(name: string) {
    return this.added.reduce((sum, metric) => sum + (metric.name === name ? metric.value : 0), 0);
  }
}

/** A logger that writes nothing, for handlers under test. */
export const silentLogger = () => createLogger('orders-api', { logLevel: 'SILENT' });

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
    logger: silentLogger(),
    metrics,
    ...overrides,
  } satisfies ApiDependencies;
  return { handler: createApiHandler(deps), repository, runtime, idempotencyStore, metrics };
};
