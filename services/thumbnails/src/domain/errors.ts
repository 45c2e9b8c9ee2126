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

/**
 * Why S3 refused to serve an object's bytes although its HEAD succeeded: `archived` (403
 * InvalidObjectState: in an archive storage class or tier, and not restored) or
 * `access-denied` (403 AccessDenied: for an SSE-KMS object, the KMS key does not let this
 * function decrypt; for any other object, this function's own permissions are wrong).
 */
export type ReadRefusal = 'archived' | 'access-denied';

/** S3 answered the GET of the object that is there with 403: see {@link ReadRefusal}. */
export class SourceUnreadableError extends Error {
  readonly refusal: ReadRefusal;

  constructor(refusal: ReadRefusal, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SourceUnreadableError';
    this.refusal = refusal;
  }
}
