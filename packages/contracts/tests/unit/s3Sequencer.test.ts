import { describe, expect, it } from 'vitest';
import {
  compareSequencers,
  InvalidSequencerError,
  normaliseSequencer,
  SEQUENCER_WIDTH,
} from '../../src/s3Sequencer.js';

// The full property test against the documented rule runs in the indexer (its wrapper adds
// only the error type); these pin the shared module's own behaviour.
describe('s3Sequencer', () => {
  it('orders by right-padding the shorter value, as the S3 User Guide says', () => {
    expect(compareSequencers('0055AED6DCD90281E5', '0055AED6DCD90281E6')).toBeLessThan(0);
    expect(compareSequencers('0055AED6DCD90281E6', '0055AED6DCD90281E5')).toBeGreaterThan(0);
    expect(compareSequencers('617f08299329d189', '617F08299329D1890')).toBe(0);
    expect(compareSequencers('7', '61')).toBeGreaterThan(0);
  });

  it('normalises to upper-case hex of one width', () => {
    expect(normaliseSequencer('ab')).toBe(`AB${'0'.repeat(SEQUENCER_WIDTH - 2)}`);
  });

  it.each(['', 'xyz', 'a'.repeat(SEQUENCER_WIDTH + 1)])('refuses %j', (value) => {
    expect(() => normaliseSequencer(value)).toThrow(InvalidSequencerError);
  });
});
