import { describe, expect, it } from 'vitest';
import { checkResponse } from '../../src/checkResponse.ts';
import { ExpectationError, mismatches } from '../../src/expect.ts';

describe('mismatches', () => {
  it('accepts extra keys and tests strings against RegExps', () => {
    // Act
    const found = mismatches(
      { a: 1, b: 'x-42', c: { d: true, e: 2 } },
      { b: /^x-\d+$/, c: { d: true } },
    );

    // Assess
    expect(found).toEqual([]);
  });

  it('names the path of every difference', () => {
    // Act
    const found = mismatches({ a: [1, 2], b: { c: 'y' } }, { a: [1, 3], b: { c: 'x' }, d: 1 });

    // Assess
    expect(found).toEqual([
      'a[1]: expected 3, got 2',
      "b.c: expected 'x', got 'y'",
      'd: expected 1, got undefined',
    ]);
  });

  it('requires arrays of the same length and absent keys to be absent', () => {
    // Act
    const found = mismatches({ list: [1, 2], gone: 0 }, { list: [1], gone: undefined });

    // Assess
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^list: expected 1 element\(s\), got 2/);
    expect(found[1]).toMatch(/^gone: expected to be absent/);
  });
});

describe('checkResponse', () => {
  const http = (statusCode: number, body: unknown, headers = {}) => ({
    statusCode,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

  it('checks status, headers case-insensitively and the JSON body', () => {
    // Act
    const summary = checkResponse(http(201, { id: 'o-1', total: 5 }, { Location: '/orders/o-1' }), {
      statusCode: 201,
      headers: { location: /^\/orders\// },
      body: { total: 5 },
    });

    // Assess
    expect(summary).toBe('HTTP 201');
  });

  it('fails on another status code', () => {
    // Act
    const act = () => checkResponse(http(500, {}), { statusCode: 201 });

    // Assess
    expect(act).toThrow(ExpectationError);
    expect(act).toThrow('statusCode: expected 201, got 500');
  });

  it('requires exactly the expected batch item failures, in any order', () => {
    // Prepare
    const response = { batchItemFailures: [{ itemIdentifier: 'b' }, { itemIdentifier: 'a' }] };

    // Act
    const exact = () => checkResponse(response, { batchItemFailures: ['a', 'b'] });
    const fewer = () => checkResponse(response, { batchItemFailures: ['a'] });
    const notBatch = () => checkResponse(null, { batchItemFailures: [] });

    // Assess
    expect(exact).not.toThrow();
    expect(fewer).toThrow(
      /batchItemFailures \(message ids\): expected \[ 'a' \], got \[ 'a', 'b' \]/,
    );
    expect(notBatch).toThrow(/expected a partial batch response/);
  });

  it('matches other payloads as patterns, null exactly', () => {
    // Act
    const ok = () =>
      checkResponse({ isAuthorized: true, context: { a: 1 } }, { payload: { isAuthorized: true } });
    const notNull = () => checkResponse({ done: true }, { payload: null });

    // Assess
    expect(ok).not.toThrow();
    expect(notNull).toThrow(/response: expected null/);
  });
});
