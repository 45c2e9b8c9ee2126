import type { SkipReason } from './skipReasons.js';

/**
 * The input cannot become thumbnails, for a reason retrying will not change. The use case
 * turns it into a skip; it never reaches Lambda as a failure.
 */
export class ImageRejectedError extends Error {
  readonly reason: SkipReason;

  constructor(reason: SkipReason, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ImageRejectedError';
    this.reason = reason;
  }
}

/** The source changed between HEAD and GET (an overwrite raced us). */
export class SourceChangedError extends Error {
  constructor(message = 'The source object changed while it was read', options?: ErrorOptions) {
    super(message, options);
    this.name = 'SourceChangedError';
  }
}
