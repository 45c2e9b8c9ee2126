import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOrderEvent } from '../../src/app/parseOrderEvent.js';
import { INVALID_EVENT_REASONS, InvalidOrderEventError } from '../../src/domain/errors.js';
import { baseOrder, orderCancelled, orderPlaced } from '../support/orderEvents.js';

const reasonOf = (body: string) => {
  try {
    parseOrderEvent(body);
  } catch (error) {
    if (error instanceof InvalidOrderEventError) return error;
    throw error;
  }
  throw new Error('expected an InvalidOrderEventError');
};

describe('parseOrderEvent', () => {
  it('parses OrderPlaced and OrderCancelled events', () => {
    // Prepare
    const placed = orderPlaced();
    const cancelled = orderCancelled();

    // Act
    const parsed = [
      parseOrderEvent(JSON.stringify(placed)),
      parseOrderEvent(JSON.stringify(cancelled)),
    ];

    // Assess
    expect(parsed).toEqual([placed, cancelled]);
  });

  it('names the reason a body is rejected', () => {
    // Prepare
    const event = orderPlaced();

    // Act
    const reasons = [
      reasonOf('{not json'),
      reasonOf('[1,2]'),
      reasonOf(JSON.stringify({ ...event, type: 'OrderShipped' })),
      reasonOf(JSON.stringify({ ...event, version: 2 })),
      reasonOf(JSON.stringify({ ...event, order: baseOrder({ currency: 'euro' }) })),
    ].map((error) => error.reason);

    // Assess
    expect(reasons).toEqual([
      INVALID_EVENT_REASONS.malformedJson,
      INVALID_EVENT_REASONS.notAnObject,
      INVALID_EVENT_REASONS.unknownType,
      INVALID_EVENT_REASONS.unsupportedVersion,
      INVALID_EVENT_REASONS.schemaInvalid,
    ]);
  });

  it('lists field paths and issue codes but never the values', () => {
    // Prepare
    const body = JSON.stringify(
      orderPlaced({ customer: { id: 'c', email: 'not-an-address secret@' } }),
    );

    // Act
    const error = reasonOf(body);

    // Assess
    expect(error.problems).toEqual(['customer.email: invalid_format']);
    expect(JSON.stringify(error)).not.toContain('secret');
    expect(error.message).not.toContain('secret');
  });

  it('does not keep the JSON syntax error, which quotes the body', () => {
    // Act
    const error = reasonOf('{"email":"ada@example.com"');

    // Assess
    expect(error.cause).toBeUndefined();
    expect(error.message).not.toContain('ada');
  });

  it('rejects any arbitrary body with an InvalidOrderEventError and nothing else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (body) => {
          // Act / Assess
          expect(() => parseOrderEvent(body)).toThrow(InvalidOrderEventError);
        },
      ),
    );
  });

  it('rejects events with any one field changed to a wrong type', () => {
    const event = orderPlaced();
    const keys = Object.keys(event) as (keyof typeof event)[];
    fc.assert(
      fc.property(
        fc.constantFrom(...keys),
        fc.oneof(fc.integer(), fc.boolean(), fc.constant(null)),
        (key, value) => {
          // Prepare: a change, not the field's own value (`version: 1` stays a valid event)
          fc.pre(value !== event[key]);

          // Act / Assess
          expect(() => parseOrderEvent(JSON.stringify({ ...event, [key]: value }))).toThrow(
            InvalidOrderEventError,
          );
        },
      ),
    );
  });
});
