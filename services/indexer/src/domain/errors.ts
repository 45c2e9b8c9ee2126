/**
 * A queue message that can never be indexed (not JSON, not an S3 event of the expected shape,
 * no usable sequencer, another bucket). It is reported as a batch item failure, so after the
 * queue's maxReceiveCount it lands in IndexDeadLetterQueue, where the depth alarm fires and an
 * operator can inspect it. Dropping it silently would hide a broken producer.
 */
export class MalformedEventError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MalformedEventError';
  }
}
