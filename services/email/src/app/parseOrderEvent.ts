import { ORDER_EVENT_TYPES, type OrderEvent, orderEventSchema } from '@shop/contracts/orderEvents';
import { SUPPORTED_EVENT_VERSION } from '../domain/constants.js';
import { INVALID_EVENT_REASONS, InvalidOrderEventError } from '../domain/errors.js';

const MAX_PROBLEMS = 10;
const KNOWN_TYPES: ReadonlySet<unknown> = new Set(Object.values(ORDER_EVENT_TYPES));

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Parse an SQS message body into a version 1 order event. Distinguishes malformed JSON, an
 * unknown event type, an unknown version and other schema violations, so the log says which
 * one it was. Problems list field paths and zod issue codes, never the offending values.
 *
 * @throws {InvalidOrderEventError} for anything that is not a valid order event.
 *
 * @example
 * const event = parseOrderEvent(record.body); // OrderPlacedEvent | OrderCancelledEvent
 */
export const parseOrderEvent = (body: string): OrderEvent => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    // The SyntaxError quotes part of the body, so it is not kept as the cause.
    throw new InvalidOrderEventError(INVALID_EVENT_REASONS.malformedJson);
  }
  if (!isRecord(json)) throw new InvalidOrderEventError(INVALID_EVENT_REASONS.notAnObject);
  if (!KNOWN_TYPES.has(json.type)) {
    throw new InvalidOrderEventError(INVALID_EVENT_REASONS.unknownType);
  }
  if (json.version !== SUPPORTED_EVENT_VERSION) {
    throw new InvalidOrderEventError(INVALID_EVENT_REASONS.unsupportedVersion);
  }
  const result = orderEventSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, MAX_PROBLEMS)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`);
    throw new InvalidOrderEventError(INVALID_EVENT_REASONS.schemaInvalid, problems);
  }
  return result.data;
};
