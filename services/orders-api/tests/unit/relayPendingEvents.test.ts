import { createLogger } from '@shop/common/logger';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryDependencies } from '../../src/domain/deliverPendingEvent.js';
import { buildOrder, orderPlacedEvent } from '../../src/domain/Order.js';
import { validatePlaceOrderRequest } from '../../src/domain/orderRequest.js';
import { relayPendingEvents } from '../../src/domain/relayPendingEvents.js';
import { createRelayHandler, PendingEventsNotPublishedError } from '../../src/jobs/relayHandler.js';
import { FakeMetrics } from '../support/apiHarness.js';
import { FakePublisher, fakeRuntime } from '../support/fakes.js';
import { customer, lambdaContext, validOrderBody } from '../support/fixtures.js';
import { InMemoryOrderRepository } from '../support/InMemoryOrderRepository.js';

const parsed = validatePlaceOrderRequest(validOrderBody());
if (!parsed.success) throw new Error('fixture is invalid');

describe('relayPendingEvents', () => {
  let repository: InMemoryOrderRepository;
  let publisher: FakePublisher;
  let runtime: ReturnType<typeof fakeRuntime>;
  let deps: DeliveryDependencies;

  // An order whose OrderPlaced event has been pending since `createdAt`.
  const abandoned = async (orderId: string, createdAt: string) => {
    const order = buildOrder({
      orderId,
      customerId: customer.id,
      createdAt,
      request: parsed.request,
    });
    const event = orderPlacedEvent(order, customer);
    await repository.createOrder(order, event);
    return event;
  };

  beforeEach(() => {
    repository = new InMemoryOrderRepository();
    publisher = new FakePublisher();
    runtime = fakeRuntime(Date.parse('2026-03-01T10:10:00.000Z'));
    deps = { repository, publisher, runtime };
  });

  it('publishes events pending for over a minute and leaves fresh ones to their request', async () => {
    // Prepare
    const stale = await abandoned('01JNR8W3D2C6VQ5B2T0Y8M4K1A', '2026-03-01T10:00:00.000Z');
    await abandoned('01JNR8W3D2C6VQ5B2T0Y8M4K1B', '2026-03-01T10:09:30.000Z');

    // Act
    const result = await relayPendingEvents(deps);

    // Assess
    expect(result).toEqual({ published: [stale], failed: 0 });
    expect(publisher.events).toEqual([stale]);
    expect(await relayPendingEvents(deps)).toEqual({ published: [], failed: 0 });
  });

  it('skips an event another request is publishing right now', async () => {
    // Prepare
    const event = await abandoned('01JNR8W3D2C6VQ5B2T0Y8M4K1A', '2026-03-01T10:00:00.000Z');
    const now = runtime.now().getTime();
    await repository.claimPendingEvent(
      { customerId: customer.id, orderId: event.order.orderId, eventId: event.eventId },
      { leaseId: 'api-request', now, until: now + 15_000 },
    );

    // Act
    const result = await relayPendingEvents(deps);

    // Assess
    expect(result).toEqual({ published: [], failed: 0 });
    expect(publisher.events).toHaveLength(0);
  });

  it('keeps events the queue refuses pending for the next run', async () => {
    // Prepare
    await abandoned('01JNR8W3D2C6VQ5B2T0Y8M4K1A', '2026-03-01T10:00:00.000Z');
    publisher.failNext();

    // Act
    const first = await relayPendingEvents(deps);
    const second = await relayPendingEvents(deps);

    // Assess
    expect(first.failed).toBe(1);
    expect(second.published).toHaveLength(1);
  });
});

describe('relay handler', () => {
  it('counts relayed orders and fails the invocation while events stay unpublished', async () => {
    // Prepare
    const repository = new InMemoryOrderRepository();
    const publisher = new FakePublisher();
    const metrics = new FakeMetrics();
    const order = buildOrder({
      orderId: '01JNR8W3D2C6VQ5B2T0Y8M4K1A',
      customerId: customer.id,
      createdAt: '2026-03-01T10:00:00.000Z',
      request: parsed.request,
    });
    await repository.createOrder(order, orderPlacedEvent(order, customer));
    const handler = createRelayHandler({
      repository,
      publisher,
      runtime: fakeRuntime(Date.parse('2026-03-01T11:00:00.000Z')),
      logger: createLogger('orders-api', { logLevel: 'SILENT' }),
      metrics: metrics as never,
    });
    publisher.failNext();

    // Act
    const failing = handler({} as never, lambdaContext());
    await expect(failing).rejects.toThrow(PendingEventsNotPublishedError);
    const result = await handler({} as never, lambdaContext());

    // Assess
    expect(result).toEqual({ published: 1 });
    expect(metrics.total('OrdersPlaced')).toBe(1);
  });
});
