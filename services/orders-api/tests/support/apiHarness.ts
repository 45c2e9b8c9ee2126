import { createLogger } from '@shop/common/logger';
import { createCursorCodec } from '../../src/domain/cursor.js';
import { type ApiDependencies, createApiHandler } from '../../src/http/apiHandler.js';
import { FakePublisher, fakeRuntime } from './fakes.js';
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

/** The API handler over in-memory fakes. */
export const apiHarness = (overrides: Partial<ApiDependencies> = {}) => {
  const repository = new InMemoryOrderRepository();
  const publisher = new FakePublisher();
  const metrics = new FakeMetrics();
  const deps = {
    repository,
    publisher,
    cursors: createCursorCodec(async () => ({ current: 'cursor-test-key' })),
    runtime: fakeRuntime(),
    logger: createLogger('orders-api', { logLevel: 'SILENT' }),
    metrics: metrics as unknown as ApiDependencies['metrics'],
    ...overrides,
  } satisfies ApiDependencies;
  return { handler: createApiHandler(deps), repository, publisher, metrics };
};
