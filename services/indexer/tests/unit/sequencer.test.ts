import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedEventError } from '../../src/domain/errors.js';
import {
  compareSequencers,
  normaliseSequencer,
  SEQUENCER_WIDTH,
} from '../../src/domain/sequencer.js';

const hexDigit = fc.constantFrom(...'0123456789abcdefABCDEF');
const sequencer = fc.string({ unit: hexDigit, minLength: 1, maxLength: 24 });

// The documented rule, written independently: right-pad the shorter with zeros, then compare
// the hexadecimal values.
const documentedOrder = (a: string, b: string): number => {
  const width = Math.max(a.length, b.length);
  const left = BigInt(`0x${a.padEnd(width, '0')}`);
  const right = BigInt(`0x${b.padEnd(width, '0')}`);
  return left === right ? 0 : left < right ? -1 : 1;
};

describe('compareSequencers', () => {
  it('orders two sequencers as the S3 documentation describes', () => {
    fc.assert(
      fc.property(sequencer, sequencer, (a, b) => {
        // Act
        const order = compareSequencers(a, b);

        // Assess
        expect(order).toBe(documentedOrder(a, b));
      }),
    );
  });

  it('is antisymmetric and treats a sequencer as equal to itself', () => {
    fc.assert(
      fc.property(sequencer, sequencer, (a, b) => {
        expect(compareSequencers(a, a)).toBe(0);
        expect(Math.sign(compareSequencers(a, b)) + Math.sign(compareSequencers(b, a))).toBe(0);
      }),
    );
  });

  it('ignores the case of hex digits', () => {
    fc.assert(
      fc.property(sequencer, (a) => {
        expect(compareSequencers(a.toLowerCase(), a.toUpperCase())).toBe(0);
      }),
    );
  });

  it('pads on the right, so a shorter value is not automatically older', () => {
    // Prepare: right-padded, "7" reads as 0x70 and "69" as 0x69.
    const [shorter, longer] = ['7', '69'];

    // Act
    const order = compareSequencers(shorter, longer);

    // Assess
    expect(order).toBeGreaterThan(0);
    expect(compareSequencers('617f08299329d189', '617f0837b476e463')).toBeLessThan(0);
  });
});

describe('normaliseSequencer', () => {
  it('gives a fixed-width form whose string order is the documented order', () => {
    fc.assert(
      fc.property(sequencer, sequencer, (a, b) => {
        // Act
        const [left, right] = [normaliseSequencer(a), normaliseSequencer(b)];

        // Assess: what DynamoDB's `<` on the stored strings will see.
        expect(left).toHaveLength(SEQUENCER_WIDTH);
        const stringOrder = left === right ? 0 : left < right ? -1 : 1;
        expect(stringOrder).toBe(documentedOrder(a, b));
      }),
    );
  });

  it('upper-cases and right-pads with zeros', () => {
    expect(normaliseSequencer('617f08299329d189')).toBe(
      `617F08299329D189${'0'.repeat(SEQUENCER_WIDTH - 16)}`,
    );
  });

  it.each([
    ['empty', ''],
    ['not hexadecimal', '0055AED6DCD9028G'],
    ['with a prefix', '0x617f'],
    ['too long', 'F'.repeat(SEQUENCER_WIDTH + 1)],
  ])('rejects a sequencer that is %s', (_label, value) => {
    expect(() => normaliseSequencer(value)).toThrow(MalformedEventError);
  });
});
