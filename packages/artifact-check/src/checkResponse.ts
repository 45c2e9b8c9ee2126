import type { ResponseExpectation } from './cases/types.ts';
import { ExpectationError, expectEqual, expectMatch, show } from './expect.ts';

/** Parse the payload a function returned (JSON text from the Runtime API). */
export const parsePayload = (payload: string | undefined): unknown => {
  try {
    return JSON.parse(payload ?? 'null');
  } catch (error) {
    throw new ExpectationError(`the response is not JSON: ${show(payload)}`, { cause: error });
  }
};

const checkHttp = (
  response: unknown,
  expected: Extract<ResponseExpectation, { statusCode: number }>,
): string => {
  const http = response as {
    statusCode?: unknown;
    headers?: Record<string, string>;
    body?: unknown;
  } | null;
  expectEqual(http?.statusCode, expected.statusCode, 'statusCode');
  const headers = Object.fromEntries(
    Object.entries(http?.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  if (expected.headers) expectMatch(headers, expected.headers, 'headers');
  if (expected.body !== undefined) {
    let body: unknown;
    try {
      body = typeof http?.body === 'string' ? JSON.parse(http.body) : http?.body;
    } catch (error) {
      throw new ExpectationError(`body is not JSON: ${show(http?.body)}`, { cause: error });
    }
    expectMatch(body, expected.body, 'body');
  }
  return `HTTP ${expected.statusCode}`;
};

const checkBatch = (response: unknown, expected: { batchItemFailures: string[] }): string => {
  const failures = (response as { batchItemFailures?: unknown } | null)?.batchItemFailures;
  if (!Array.isArray(failures)) {
    throw new ExpectationError(
      `expected a partial batch response { batchItemFailures: [...] }, got ${show(response)}`,
    );
  }
  const ids = failures.map((item) => (item as { itemIdentifier?: unknown }).itemIdentifier);
  expectEqual(
    [...ids].sort(),
    [...expected.batchItemFailures].sort(),
    'batchItemFailures (message ids)',
  );
  return `batchItemFailures ${expected.batchItemFailures.length}`;
};

/**
 * Check a response against the case's expectation; returns a short summary for the report.
 *
 * @throws {ExpectationError} naming the first difference
 */
export const checkResponse = (response: unknown, expected: ResponseExpectation): string => {
  if ('statusCode' in expected) return checkHttp(response, expected);
  if ('batchItemFailures' in expected) return checkBatch(response, expected);
  expectMatch(response, expected.payload, 'response');
  return expected.payload === null ? 'returned nothing' : 'response as expected';
};
