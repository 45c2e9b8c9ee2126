// Domain errors: what went wrong in business terms. The HTTP layer maps them to status codes
// (src/http/errorMapping.ts); nothing here knows about HTTP.

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

/** The event queue did not accept an event; the order's outbox still holds it. */
export class EventPublishFailedError extends Error {
  readonly eventId: string;

  constructor(eventId: string, options?: ErrorOptions) {
    super(`Event ${eventId} could not be published`, options);
    this.name = 'EventPublishFailedError';
    this.eventId = eventId;
  }
}

/** Another request holds the lease on the order's pending event and has not finished yet. */
export class EventDeliveryInProgressError extends Error {
  readonly eventId: string;

  constructor(eventId: string, options?: ErrorOptions) {
    super(`Event ${eventId} is being published by another request`, options);
    this.name = 'EventDeliveryInProgressError';
    this.eventId = eventId;
  }
}

/** The order kept changing under a conditional write; the caller may retry. */
export class ConcurrentUpdateError extends Error {
  constructor(orderId: string, options?: ErrorOptions) {
    super(`Order ${orderId} changed concurrently`, options);
    this.name = 'ConcurrentUpdateError';
  }
}
