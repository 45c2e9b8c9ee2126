// S3 puts a `sequencer` on every PUT and DELETE event: the only way to order events for one
// object key. The Amazon S3 User Guide ("Event message structure", notification-content-
// structure.md) says: "If you compare the sequencer strings from two event notifications on
// the same object key, the event notification with the greater sequencer hexadecimal value is
// the event that occurred later. [...] The sequencers can be of different lengths. So, to
// compare these values, first right pad the shorter value with zeros, and then do a
// lexicographical comparison." (The AWS Knowledge Center article s3-duplicate-sqs-messages
// says the same; older editions of the guide said "left pad", the current ones "right pad".)
// Duplicate deliveries of one event carry the same sequencer.
//
// The normal form is right-padded with '0' to one fixed width, upper-cased. Padding both
// values to a common width longer than either gives the same order as padding the shorter to
// the longer's length (the extra characters are zeros on both sides), so a plain string
// comparison, including DynamoDB's `<` in a condition expression, orders stored and incoming
// sequencers exactly as AWS documents. Upper-casing makes the lexicographic order of hex
// digits equal to their numeric order ('9' < 'A' < 'F' in ASCII). The thumbnailer (which
// writes sequencers into outcomes) and the indexer (which orders events by them) share it.

/** Width every normalised sequencer is padded to; real ones are 16 to 20 hex digits. */
export const SEQUENCER_WIDTH = 64;

const HEX = /^[0-9A-F]+$/;

/** A value that is not an S3 sequencer (empty, not hexadecimal, or over-long). */
export class InvalidSequencerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSequencerError';
  }
}

/**
 * A sequencer in its comparable form: upper-case hex, right-padded with zeros to
 * {@link SEQUENCER_WIDTH}.
 *
 * @throws {InvalidSequencerError} for an empty, non-hex or over-long value.
 *
 * @example
 * normaliseSequencer('617f08299329d189'); // '617F08299329D189000...0' (64 characters)
 */
export const normaliseSequencer = (sequencer: string): string => {
  const upper = sequencer.toUpperCase();
  if (!HEX.test(upper)) {
    throw new InvalidSequencerError(`sequencer "${sequencer.slice(0, 80)}" is not hexadecimal`);
  }
  if (upper.length > SEQUENCER_WIDTH) {
    throw new InvalidSequencerError(`sequencer is longer than ${SEQUENCER_WIDTH} digits`);
  }
  return upper.padEnd(SEQUENCER_WIDTH, '0');
};

/**
 * Order two sequencers of the same object key as AWS documents: negative when `a` happened
 * first, positive when `b` did, 0 for the same event (a duplicate delivery).
 *
 * @throws {InvalidSequencerError} when either is not a sequencer.
 *
 * @example
 * compareSequencers('0055AED6DCD90281E5', '0055AED6DCD90281E6'); // < 0
 */
export const compareSequencers = (a: string, b: string): number => {
  const left = normaliseSequencer(a);
  const right = normaliseSequencer(b);
  if (left === right) return 0;
  return left < right ? -1 : 1;
};
