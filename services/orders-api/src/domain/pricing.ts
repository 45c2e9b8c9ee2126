import type { OrderSnapshot } from '@shop/contracts/orderEvents';

/** One requested line: prices are integers in minor units (cents). */
export interface LineRequest {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export type PricedLine = OrderSnapshot['items'][number];

/** Thrown when an amount would leave the range where integer arithmetic on numbers is exact. */
export class AmountOverflowError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AmountOverflowError';
  }
}

const assertInteger = (value: number, what: string) => {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new AmountOverflowError(`${what} must be a non-negative safe integer, got ${value}`);
  }
};

/**
 * Price an order with integer arithmetic only: `lineTotal = quantity * unitPrice`, `total` is
 * their sum. Within the API's limits (1000 x 100,000,000 x 50 = 5e12) every value stays far
 * below 2^53, so no rounding can happen; the checks guard against misuse outside them.
 *
 * @example
 * priceLines([{ sku: 'A', quantity: 3, unitPrice: 1999 }]);
 * // { items: [{ sku: 'A', quantity: 3, unitPrice: 1999, lineTotal: 5997 }], total: 5997 }
 */
export const priceLines = (
  lines: readonly LineRequest[],
): { items: PricedLine[]; total: number } => {
  let total = 0;
  const items = lines.map((line) => {
    assertInteger(line.quantity, 'quantity');
    assertInteger(line.unitPrice, 'unitPrice');
    const lineTotal = line.quantity * line.unitPrice;
    assertInteger(lineTotal, 'lineTotal');
    total += lineTotal;
    assertInteger(total, 'total');
    return { sku: line.sku, quantity: line.quantity, unitPrice: line.unitPrice, lineTotal };
  });
  return { items, total };
};
