import {
  compareSequencers as compare,
  InvalidSequencerError,
  normaliseSequencer as normalise,
} from '@shop/contracts/s3Sequencer';
import { MalformedEventError } from './errors.js';

// How S3 orders events for one key (the rule, with AWS's words, is in @shop/contracts'
// s3Sequencer.ts). The catalog stores every sequencer normalised, so DynamoDB's `<` in a
// condition expression orders them as AWS documents. A value that is not a sequencer is a
// malformed event here.

export { SEQUENCER_WIDTH } from '@shop/contracts/s3Sequencer';

const malformed = <T>(run: () => T): T => {
  try {
    return run();
  } catch (error) {
    if (error instanceof InvalidSequencerError) throw new MalformedEventError(error.message);
    throw error;
  }
};

/**
 * A sequencer in its stored, comparable form: upper-case hex, right-padded with zeros.
 *
 * @throws {MalformedEventError} for an empty, non-hex or over-long value.
 *
 * @example
 * normaliseSequencer('617f08299329d189'); // '617F08299329D189000...0' (64 characters)
 */
export const normaliseSequencer = (sequencer: string): string =>
  malformed(() => normalise(sequencer));

/**
 * Order two sequencers of the same object key: negative when `a` happened first, positive
 * when `b` did, 0 for the same event (a duplicate delivery).
 *
 * @throws {MalformedEventError} when either is not a sequencer.
 *
 * @example
 * compareSequencers('0055AED6DCD90281E5', '0055AED6DCD90281E6'); // < 0
 */
export const compareSequencers = (a: string, b: string): number => malformed(() => compare(a, b));
