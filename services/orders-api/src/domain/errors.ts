// Domain errors: what went wrong in business terms. The app layer maps them to status codes
// (src/app/errorMapping.ts); nothing here knows about HTTP.

/** The order does not exist for this customer (another customer's order is "not found" too). */
export class OrderNotFoundError extends Error {
  readonly orderId: string;

  constructor(orderId: string, options?: ErrorOptions) {
    super(`Order ${orderId} not found`, options);
    this.name = 'OrderNotFoundError';
    this.orderId = orderId;
  }
}

/** Only a PLACED order can be cancelled. */
export class OrderNotCancellableError extends Error {
  readonly status: string;

  constructor(orderId: string, status: string, options?: ErrorOptions) {
    super(`Order ${orderId} is ${status} and cannot be cancelled`, options);
    this.name = 'OrderNotCancellableError';
    this.status = status;
  }
}

/** The idempotency key was first used with a different request body. */
export class IdempotencyKeyReusedError extends Error {
  constructor(options?: ErrorOptions) {
    super('The Idempotency-Key was already used with a different request body', options);
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** A pagination cursor that was not issued by us, for this customer. */
export class InvalidCursorError extends Error {
  constructor(reason: string, options?: ErrorOptions) {
    super(`Invalid cursor: ${reason}`, options);
    this.name = 'InvalidCursorError';
  }
}

/** Another request with the same Idempotency-Key has not finished yet; retry shortly. */
export class IdempotentRequestInProgressError extends Error {
  constructor(options?: ErrorOptions) {
    super('A request with this Idempotency-Key is still in progress', options);
    this.name = 'IdempotentRequestInProgressError';
  }
}
