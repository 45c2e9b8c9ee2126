import { expect } from 'vitest';
import { inBatches } from './results.js';
import type { Shop } from './startShop.js';

/** An answer of POST /orders as the tests keep it: the status and the body as sent. */
export interface PlaceOrderAnswer {
  status: number;
  body: string;
}

const orderIdOf = ({ status, body }: PlaceOrderAnswer): string | undefined => {
  if (status !== 201) return undefined;
  try {
    const { orderId } = JSON.parse(body) as { orderId?: unknown };
    return typeof orderId === 'string' && orderId !== '' ? orderId : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The order id of a POST /orders answer, asserted to be a 201 with one: a failed order fails
 * the test here, with its status and body, not later as an email that never came.
 *
 * @example
 * const orderId = await placedOrderId(await shop.placeOrder());
 */
export const placedOrderId = async (response: Response): Promise<string> => {
  const answer = { status: response.status, body: await response.text() };
  const orderId = orderIdOf(answer);
  expect(orderId, `POST /orders answered ${answer.status}: ${answer.body}`).toEqual(
    expect.any(String),
  );
  return orderId as string;
};

/**
 * Place `count` orders, at most `limit` at once, and return their ids in order, once every
 * answer is a 201 with an order id; otherwise fail at once with every other answer (status and
 * body), before any test waits for what the orders cause.
 *
 * @example
 * const orderIds = await placeOrders(shop, 50, 5);
 */
export const placeOrders = async (shop: Shop, count: number, limit: number): Promise<string[]> => {
  const answers = await inBatches(count, limit, async () => {
    const response = await shop.placeOrder();
    return { status: response.status, body: await response.text() };
  });
  const orderIds = answers.map(orderIdOf);
  expect(
    answers.filter((_, index) => orderIds[index] === undefined),
    'answers of POST /orders that are not a 201 with an order id',
  ).toEqual([]);
  return orderIds as string[];
};
