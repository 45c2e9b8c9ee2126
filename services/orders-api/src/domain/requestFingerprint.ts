import { createHash } from 'node:crypto';

const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, entry]) => entry !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, entry]) => [key, canonical(entry)]),
    );
  }
  return value;
};

/**
 * A SHA-256 fingerprint of a validated request: keys sorted, so `{"a":1,"b":2}` and
 * `{"b":2,"a":1}` are the same request, but any change of a value is a different one.
 *
 * @example
 * requestFingerprint({ b: 2, a: 1 }) === requestFingerprint({ a: 1, b: 2 }); // true
 */
export const requestFingerprint = (request: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify(canonical(request)))
    .digest('base64url');
