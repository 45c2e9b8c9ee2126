/**
 * An invocation's event serialised once, with its size in bytes. An asynchronous invocation is
 * measured against the 1 MB limit when it is accepted, then retried (after a failure, or
 * every 100 ms to 2 s while throttled) until its maximum age: each attempt sends these bytes
 * instead of serialising the event again.
 */
export class EventPayload {
  readonly json: string;
  readonly bytes: number;

  constructor(event: unknown) {
    this.json = JSON.stringify(event ?? null);
    this.bytes = Buffer.byteLength(this.json, 'utf8');
  }

  /** The payload of `event`: itself when it is one already. */
  static of(event: unknown): EventPayload {
    return event instanceof EventPayload ? event : new EventPayload(event);
  }
}
