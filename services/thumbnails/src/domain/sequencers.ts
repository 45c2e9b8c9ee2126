import { compareSequencers, InvalidSequencerError } from '@shop/contracts/s3Sequencer';

/**
 * Whether S3 event sequencer `a` comes after `b` (of the same key); false when either is
 * missing or not a sequencer: an event that cannot be ordered never wins.
 *
 * @example
 * isLaterSequencer('0055AED6DCD90281E6', '0055AED6DCD90281E5'); // true
 */
export const isLaterSequencer = (a: string | undefined, b: string | undefined): boolean => {
  if (a === undefined || b === undefined) return false;
  try {
    return compareSequencers(a, b) > 0;
  } catch (error) {
    if (error instanceof InvalidSequencerError) return false;
    throw error;
  }
};
