import type { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { InMemoryPersistenceLayer } from '@shop/testing/idempotency';
import { createEmailHandler } from '../../src/app/createEmailHandler.js';
import type { EmailSender } from '../../src/domain/ports.js';
import { fakeLogger, fakeMetrics, RecordingSender } from './fakes.js';

/**
 * The email handler wired with fakes: a recording sender (or the given one), one in-memory
 * idempotency table shared by its stores, a fake logger and fake metrics.
 */
export const emailHandlerWithFakes = <S extends EmailSender = RecordingSender>(
  overrides: { safetyMarginMs?: number; sender?: S; maxReceiveCount?: number } = {},
) => {
  const items = new Map<string, IdempotencyRecord>();
  const stores: InMemoryPersistenceLayer[] = [];
  const sender = overrides.sender ?? new RecordingSender();
  const logger = fakeLogger();
  const metrics = fakeMetrics();
  const handler = createEmailHandler({
    sender,
    createPersistenceStore: () => {
      const store = new InMemoryPersistenceLayer(items);
      stores.push(store);
      return store;
    },
    logger,
    metrics,
    config: {
      idempotencyExpirySeconds: 7 * 24 * 60 * 60,
      remainingTimeSafetyMarginMs: overrides.safetyMarginMs ?? 10_000,
      maxReceiveCount: overrides.maxReceiveCount ?? 5,
    },
  });
  return { handler, sender: sender as S, logger, metrics, items, stores };
};
