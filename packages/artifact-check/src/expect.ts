import { inspect, isDeepStrictEqual } from 'node:util';

/** A result that differs from what the mapping expects. */
export class ExpectationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ExpectationError';
  }
}

/** Short, one-line rendering of a value for messages. */
export const show = (value: unknown): string =>
  inspect(value, { depth: 4, breakLength: Number.POSITIVE_INFINITY, maxStringLength: 200 });

/**
 * Where `actual` differs from `expected`, read as a pattern: objects match when every key of
 * the pattern matches (extra keys are fine), arrays element by element with the same length,
 * RegExps test strings, anything else must be deeply equal.
 *
 * @example
 * mismatches({ a: 1, b: 'xy' }, { b: /^x/ }); // []
 * mismatches({ a: [1] }, { a: [2] });          // ['a[0]: expected 2, got 1']
 */
export const mismatches = (actual: unknown, expected: unknown, path = ''): string[] => {
  const at = path === '' ? '' : `${path}: `;
  if (expected instanceof RegExp) {
    return typeof actual === 'string' && expected.test(actual)
      ? []
      : [`${at}expected a string matching ${expected}, got ${show(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${at}expected an array, got ${show(actual)}`];
    if (actual.length !== expected.length) {
      return [`${at}expected ${expected.length} element(s), got ${actual.length}: ${show(actual)}`];
    }
    return expected.flatMap((item, index) => mismatches(actual[index], item, `${path}[${index}]`));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return [`${at}expected an object, got ${show(actual)}`];
    }
    const record = actual as Record<string, unknown>;
    return Object.entries(expected).flatMap(([key, value]) =>
      value === undefined
        ? key in record
          ? [`${path ? `${path}.` : ''}${key}: expected to be absent, got ${show(record[key])}`]
          : []
        : mismatches(record[key], value, path ? `${path}.${key}` : key),
    );
  }
  return isDeepStrictEqual(actual, expected)
    ? []
    : [`${at}expected ${show(expected)}, got ${show(actual)}`];
};

/** Throw unless `actual` matches the pattern `expected` (see {@link mismatches}). */
export const expectMatch = (actual: unknown, expected: unknown, what: string): void => {
  const found = mismatches(actual, expected);
  if (found.length > 0) throw new ExpectationError(`${what}: ${found.join('; ')}`);
};

/** Throw unless the two values are deeply equal. */
export const expectEqual = (actual: unknown, expected: unknown, what: string): void => {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new ExpectationError(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
};

/** Throw with `message` unless `condition` holds. */
export function expectTrue(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ExpectationError(message);
}
