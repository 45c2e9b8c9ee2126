import { beforeEach, describe, expect, it } from 'vitest';
import { cancelOrder } from '../../src/domain/cancelOrder.js';
import { OrderNotCancellableError, OrderNotFoundError } from '../../src/domain/errors.js';
import { validatePlaceOrderRequest } from '../../src/domain/orderRequest.js';
import { placeOrder } from '../../src/domain/placeOrder.js';
import { fakeRuntime } from '../support/fakes.js';
import { customer, otherCustomer, validOrderBody } from '../support/fixtures.js';
import { InMemoryOrderRepository } from '../support/InMemoryOrderRepository.js';

describe('cancelOrder', () => {
  let repository: InMemoryOrderRepository;
  let deps: { repository: InMemoryOrderRepository; runtime: ReturnType<typeof fakeRuntime> };
  let orderId: string;

  beforeEach(async () => {
    repository = new InMemoryOrderRepository();
    deps = { repository, runtime: fakeRuntime() };
    const parsed = validatePlaceOrderRequest(validOrderBody());
    if (!parsed.success) throw new Error('fixture is invalid');
    orderId = (await placeOrder({ customer, request: parsed.request }, deps)).order.orderId;
    deps.runtime.advance(5 * 60_000);
  });

  it('moves a PLACED order to CANCELLED in one conditional write', async () => {
    // Act
    const cancelled = await cancelOrder({ customer, orderId }, deps);

    // Assess
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.cancelledAt).toBe('2026-03-01T10:05:00.000Z');
    expect(repository.changes.at(-1)?.before?.order.status).toBe('PLACED');
    expect(repository.changes.at(-1)?.after.order).toEqual(cancelled);
  });

  it('is a conflict the second time, and changes nothing', async () => {
    // Prepare
    await cancelOrder({ customer, orderId }, deps);

    // Act / Assess
    await expect(cancelOrder({ customer, orderId }, deps)).rejects.toThrow(
      OrderNotCancellableError,
    );
    expect(repository.changes).toHaveLength(2);
  });

  it('lets exactly one of concurrent cancels win', async () => {
    // Act
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () => cancelOrder({ customer, orderId }, deps)),
    );

    // Assess
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(repository.changes.filter((c) => c.before !== undefined)).toHaveLength(1);
  });

  it("answers not found for another customer's order and for malformed ids", async () => {
    await expect(cancelOrder({ customer: otherCustomer, orderId: orderId }, deps)).rejects.toThrow(
      OrderNotFoundError,
    );
    await expect(cancelOrder({ customer, orderId: 'not-an-id' }, deps)).rejects.toThrow(
      OrderNotFoundError,
    );
    await expect(
      cancelOrder({ customer, orderId: '01J00000000000000000000099' }, deps),
    ).rejects.toThrow(OrderNotFoundError);
    expect(repository.changes).toHaveLength(1);
  });
});
