import { ORDER_LIMITS } from '@shop/contracts/orderEvents';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validatePlaceOrderRequest } from '../../src/domain/orderRequest.js';
import { readPlaceOrderRequest } from '../../src/http/requests.js';
import { validOrderBody } from '../support/fixtures.js';

const fieldsOf = (body: unknown) => {
  const result = validatePlaceOrderRequest(body);
  return result.success ? [] : result.problems.map((problem) => problem.field);
};

const text = (max: number) =>
  fc.string({ minLength: 1, maxLength: max }).filter((value) => value.trim() !== '');

const validBody = fc.record(
  {
    items: fc.array(
      fc.record({
        sku: text(ORDER_LIMITS.skuMaxLength),
        quantity: fc.integer({ min: 1, max: ORDER_LIMITS.maxQuantity }),
        unitPrice: fc.integer({ min: 0, max: ORDER_LIMITS.maxUnitPrice }),
      }),
      { minLength: 1, maxLength: ORDER_LIMITS.maxItems },
    ),
    currency: fc.constantFrom('EUR', 'USD', 'JPY', 'GBP', 'CHF'),
    shippingAddress: fc.record(
      {
        name: text(ORDER_LIMITS.nameMaxLength),
        line1: text(ORDER_LIMITS.lineMaxLength),
        line2: text(ORDER_LIMITS.lineMaxLength),
        city: text(ORDER_LIMITS.cityMaxLength),
        postalCode: text(ORDER_LIMITS.postalCodeMaxLength),
        country: fc.constantFrom('DE', 'FR', 'US', 'JP', 'GB'),
      },
      { requiredKeys: ['name', 'line1', 'city', 'postalCode', 'country'] },
    ),
    note: text(ORDER_LIMITS.noteMaxLength),
  },
  { requiredKeys: ['items', 'currency', 'shippingAddress'] },
);

describe('validatePlaceOrderRequest', () => {
  it('accepts a complete order and trims its strings', () => {
    // Prepare
    const body = validOrderBody();
    body.shippingAddress.city = '  London ';

    // Act
    const result = validatePlaceOrderRequest(body);

    // Assess
    expect(result.success).toBe(true);
    expect(result.success && result.request.shippingAddress.city).toBe('London');
  });

  it('accepts every body within the limits', () => {
    fc.assert(
      fc.property(validBody, (body) => {
        expect(validatePlaceOrderRequest(body).success).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('answers with field problems, never an exception, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = validatePlaceOrderRequest(value);
        if (!result.success) {
          expect(result.problems.length).toBeGreaterThan(0);
          for (const problem of result.problems) expect(typeof problem.field).toBe('string');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects any single field pushed past its limit', () => {
    fc.assert(
      fc.property(
        validBody,
        fc.constantFrom('quantity', 'unitPrice', 'sku', 'items', 'note', 'postalCode'),
        (body, which) => {
          const broken = structuredClone(body);
          const first = broken.items[0];
          if (!first) return;
          if (which === 'quantity') first.quantity = ORDER_LIMITS.maxQuantity + 1;
          if (which === 'unitPrice') first.unitPrice = ORDER_LIMITS.maxUnitPrice + 1;
          if (which === 'sku') first.sku = 'S'.repeat(ORDER_LIMITS.skuMaxLength + 1);
          if (which === 'items') broken.items = Array(ORDER_LIMITS.maxItems + 1).fill(first);
          if (which === 'note') broken.note = 'n'.repeat(ORDER_LIMITS.noteMaxLength + 1);
          if (which === 'postalCode') {
            broken.shippingAddress.postalCode = '9'.repeat(ORDER_LIMITS.postalCodeMaxLength + 1);
          }
          expect(validatePlaceOrderRequest(broken).success).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('names each offending field in the details', () => {
    // Prepare
    const body = {
      ...validOrderBody(),
      items: [{ sku: '', quantity: 0, unitPrice: 12.5 }],
      currency: 'EURO',
      total: 100,
    };

    // Act
    const fields = fieldsOf(body);

    // Assess
    expect(fields).toEqual(
      expect.arrayContaining([
        'items.0.sku',
        'items.0.quantity',
        'items.0.unitPrice',
        'currency',
        'total',
      ]),
    );
  });

  it('rejects currencies and countries that only look like codes', () => {
    // Prepare
    const body = validOrderBody();
    const currency = { ...body, currency: 'XYZ' };
    const country = { ...body, shippingAddress: { ...body.shippingAddress, country: 'EU' } };
    const lowercase = { ...body, shippingAddress: { ...body.shippingAddress, country: 'de' } };

    // Act / Assess
    expect(fieldsOf(currency)).toEqual(['currency']);
    expect(fieldsOf(country)).toEqual(['shippingAddress.country']);
    expect(fieldsOf(lowercase)).toEqual(['shippingAddress.country']);
  });

  it('requires between 1 and 50 items', () => {
    // Act / Assess
    expect(fieldsOf({ ...validOrderBody(), items: [] })).toEqual(['items']);
    expect(fieldsOf({ ...validOrderBody(), items: undefined })).toEqual(['items']);
  });
});

describe('readPlaceOrderRequest', () => {
  const event = (body: string, contentType = 'application/json') => ({
    headers: { 'content-type': contentType },
    body,
    isBase64Encoded: false,
  });

  it('rejects a non-JSON content type with 415', () => {
    // Act / Assess
    expect(() => readPlaceOrderRequest(event('{}', 'text/plain'))).toThrow(
      expect.objectContaining({ statusCode: 415 }),
    );
  });

  it('rejects malformed JSON with 400', () => {
    // Act / Assess
    expect(() => readPlaceOrderRequest(event('{"items": ['))).toThrow(
      expect.objectContaining({ statusCode: 400, code: 'BAD_REQUEST' }),
    );
  });

  it('rejects a body over 64 KiB with 413', () => {
    // Prepare
    const body = JSON.stringify({ ...validOrderBody(), note: 'x'.repeat(65 * 1024) });

    // Act / Assess
    expect(() => readPlaceOrderRequest(event(body))).toThrow(
      expect.objectContaining({ statusCode: 413 }),
    );
  });

  it('never throws anything but a 4xx error for arbitrary bodies', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (raw) => {
        try {
          readPlaceOrderRequest(event(raw));
        } catch (error) {
          expect((error as { statusCode?: number }).statusCode).toBeGreaterThanOrEqual(400);
          expect((error as { statusCode?: number }).statusCode).toBeLessThan(500);
        }
      }),
      { numRuns: 300 },
    );
  });
});
