import { ORDER_LIMITS } from '@shop/contracts/orderEvents';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AmountOverflowError, priceLines } from '../../src/domain/pricing.js';

const line = fc.record({
  sku: fc.constant('SKU'),
  quantity: fc.integer({ min: 1, max: ORDER_LIMITS.maxQuantity }),
  unitPrice: fc.integer({ min: 0, max: ORDER_LIMITS.maxUnitPrice }),
});

describe('priceLines', () => {
  it('multiplies quantity by unit price and sums the lines in minor units', () => {
    // Prepare
    const lines = [
      { sku: 'A', quantity: 3, unitPrice: 1999 },
      { sku: 'B', quantity: 1, unitPrice: 1 },
    ];

    // Act
    const priced = priceLines(lines);

    // Assess
    expect(priced.items.map((item) => item.lineTotal)).toEqual([5997, 1]);
    expect(priced.total).toBe(5998);
  });

  it('stays exact at the largest order the limits allow', () => {
    // Prepare
    const max = {
      sku: 'X',
      quantity: ORDER_LIMITS.maxQuantity,
      unitPrice: ORDER_LIMITS.maxUnitPrice,
    };

    // Act
    const priced = priceLines(Array.from({ length: ORDER_LIMITS.maxItems }, () => max));

    // Assess
    expect(priced.total).toBe(5_000_000_000_000);
    expect(Number.isSafeInteger(priced.total)).toBe(true);
  });

  it('agrees with exact big-integer arithmetic for any order within the limits', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: ORDER_LIMITS.maxItems }), (lines) => {
        const priced = priceLines(lines);
        const exact = lines.reduce((sum, l) => sum + BigInt(l.quantity) * BigInt(l.unitPrice), 0n);
        expect(BigInt(priced.total)).toBe(exact);
        expect(
          priced.items.every(
            (item, i) => item.lineTotal === (lines[i]?.quantity ?? 0) * (lines[i]?.unitPrice ?? 0),
          ),
        ).toBe(true);
      }),
    );
  });

  it('refuses amounts that integer arithmetic on numbers cannot represent exactly', () => {
    // Act / Assess
    expect(() => priceLines([{ sku: 'A', quantity: 2 ** 40, unitPrice: 2 ** 20 }])).toThrow(
      AmountOverflowError,
    );
    expect(() => priceLines([{ sku: 'A', quantity: 1.5, unitPrice: 100 }])).toThrow(
      AmountOverflowError,
    );
  });
});
