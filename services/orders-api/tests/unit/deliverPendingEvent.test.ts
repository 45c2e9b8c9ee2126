import { describe, expect, it } from 'vitest';
import { deliverPendingEvent } from '../../src/domain/deliverPendingEvent.js';
import { EventDeliveryInProgressError } from '../../src/domain/errors.js';
import { buildOrder, orderPlacedEvent } from '../../src/domain/Order.js';
import { validatePlaceOrderRequest } from '../../src/domain/orderRequest.js';
import { FakePublisher, fakeRuntime } from '../support/fakes.js';
import { customer, validOrderBody } from '../support/fixtures.js';
import { InMemoryOrderRepository } from '../support/InMemoryOrderRepository.js';

const setup = async () => {
  const parsed = validatePlaceOrderRequest(validOrderBody());
  if (!parsed.success) throw new Error('fixture is invalid');
  const order = buildOrder({
    orderId: '01JNR8W3D2C6VQ5B2T0Y8M4K1A',
    customerId: customer.id,
    createdAt: '2026-03-01T10:00:00.000Z',
    request: parsed.request,
  });
  const event = orderPlacedEvent(order, customer);
  const repository = new InMemoryOrderRepository();
  await repository.createOrder(order, event);
  const runtime = fakeRuntime();
  const publisher = new FakePublisher();
  return { order, event, repository, runtime, publisher };
};

describe('deliverPendingEvent', () => {
  it('waits for a publish in progress elsewhere and then returns without publishing', async () => {
    // Prepare: another request holds the lease and finishes a little later.
    const { order, event, repository, runtime, publisher } = await setup();
    const ref = { customerId: customer.id, orderId: order.orderId, eventId: event.eventId };
    const now = runtime.now().getTime();
    await repository.claimPendingEvent(ref, { leaseId: 'other', now, until: now + 15_000 });
    const waiting = {
      ...runtime,
      sleep: async (ms: number) => {
        await runtime.sleep(ms);
        await repository.completePendingEvent(ref); // the other request finishes meanwhile
      },
    };

    // Act
    const delivery = await deliverPendingEvent(
      { repository, publisher, runtime: waiting },
      customer.id,
      order.orderId,
    );

    // Assess
    expect(delivery.published).toBeUndefined();
    expect(publisher.events).toHaveLength(0);
  });

  it('gives up with "in progress" when the other publisher does not finish in time', async () => {
    // Prepare
    const { order, event, repository, runtime, publisher } = await setup();
    const ref = { customerId: customer.id, orderId: order.orderId, eventId: event.eventId };
    const now = runtime.now().getTime();
    await repository.claimPendingEvent(ref, { leaseId: 'other', now, until: now + 60_000 });

    // Act
    const delivery = deliverPendingEvent(
      { repository, publisher, runtime, waitMs: 1_000 },
      customer.id,
      order.orderId,
    );

    // Assess
    await expect(delivery).rejects.toThrow(EventDeliveryInProgressError);
    expect(publisher.events).toHaveLength(0);
  });

  it('takes over the event once an abandoned lease has expired', async () => {
    // Prepare: a request crashed while holding the lease.
    const { order, event, repository, runtime, publisher } = await setup();
    const ref = { customerId: customer.id, orderId: order.orderId, eventId: event.eventId };
    const now = runtime.now().getTime();
    await repository.claimPendingEvent(ref, { leaseId: 'crashed', now, until: now + 100 });
    runtime.advance(101);

    // Act
    const delivery = await deliverPendingEvent(
      { repository, publisher, runtime },
      customer.id,
      order.orderId,
    );

    // Assess
    expect(delivery.published?.eventId).toBe(event.eventId);
    expect(publisher.events).toHaveLength(1);
  });
});
