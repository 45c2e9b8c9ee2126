import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countryName, moneyFormatter, singleLine } from '../../src/domain/formatting.js';
import { anyText } from '../support/arbitraries.js';

describe('moneyFormatter', () => {
  it('converts minor units with the currency fraction digits', () => {
    // Act
    const formatted = {
      eur: moneyFormatter('EUR')(123456),
      jpy: moneyFormatter('JPY')(123456),
      bhd: moneyFormatter('BHD')(123456),
      zero: moneyFormatter('USD')(0),
    };

    // Assess
    expect(formatted.eur).toBe('€1,234.56');
    expect(formatted.jpy).toBe('¥123,456');
    expect(formatted.bhd).toMatch(/^BHD\s123\.456$/);
    expect(formatted.zero).toBe('$0.00');
  });

  it('shows every cent of any amount exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000_000 }), (minor) => {
        // Act
        const formatted = moneyFormatter('EUR')(minor);

        // Assess
        const digits = formatted.replace(/[^0-9]/g, '');
        expect(BigInt(digits)).toBe(BigInt(minor));
      }),
    );
  });
});

describe('countryName', () => {
  it('names known countries and falls back to the code', () => {
    // Act / Assess
    expect(countryName('DE')).toBe('Germany');
    expect(countryName('XX')).toBe('XX');
  });
});

describe('singleLine', () => {
  it('removes every control character', () => {
    fc.assert(
      fc.property(anyText(), (text) => {
        // Act
        const line = singleLine(text);

        // Assess
        expect([...line].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)).toBe(
          false,
        );
        expect(line).toHaveLength(text.length);
      }),
    );
  });
});
