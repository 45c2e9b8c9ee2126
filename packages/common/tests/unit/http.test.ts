import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../../src/errors.js';
import { getHeader, jsonResponse, parseJsonBody } from '../../src/http.js';

const request = (
  body: string | undefined,
  headers: Record<string, string> = {},
  base64 = false,
) => ({
  headers: { 'content-type': 'application/json', ...headers },
  body,
  isBase64Encoded: base64,
});

describe('parseJsonBody', () => {
  it('parses a JSON body', () => {
    expect(parseJsonBody(request('{"a":[1,2]}'))).toEqual({ a: [1, 2] });
  });

  it('decodes a base64 body', () => {
    const encoded = Buffer.from('{"name":"Zoë"}').toString('base64');
    expect(parseJsonBody(request(encoded, {}, true))).toEqual({ name: 'Zoë' });
  });

  it('accepts a charset parameter and +json media types', () => {
    expect(parseJsonBody(request('1', { 'content-type': 'application/json; charset=utf-8' }))).toBe(
      1,
    );
    expect(parseJsonBody(request('2', { 'Content-Type': 'application/merge-patch+json' }))).toBe(2);
  });

  it('rejects other media types with 415', () => {
    expect(() => parseJsonBody(request('{}', { 'content-type': 'text/plain' }))).toThrow(
      UnsupportedMediaTypeError,
    );
    expect(() => parseJsonBody({ headers: {}, body: '{}', isBase64Encoded: false })).toThrow(
      UnsupportedMediaTypeError,
    );
  });

  it('rejects a body over the limit with 413, counting decoded bytes', () => {
    const big = JSON.stringify({ note: 'é'.repeat(600) }); // 1200+ bytes, ~610 characters
    expect(() => parseJsonBody(request(big), { maxBytes: 1000 })).toThrow(PayloadTooLargeError);
    const encoded = Buffer.from(big).toString('base64');
    expect(() => parseJsonBody(request(encoded, {}, true), { maxBytes: 1000 })).toThrow(
      PayloadTooLargeError,
    );
  });

  it('rejects malformed, empty and non-UTF-8 bodies with 400', () => {
    expect(() => parseJsonBody(request('{"a":'))).toThrow(BadRequestError);
    expect(() => parseJsonBody(request(''))).toThrow(BadRequestError);
    expect(() => parseJsonBody(request(undefined))).toThrow(BadRequestError);
    const latin1 = Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]).toString('base64');
    expect(() => parseJsonBody(request(latin1, {}, true))).toThrow(BadRequestError);
  });

  it('rejects invalid UTF-8 in a base64 body with 400, never replacing it by U+FFFD', () => {
    // Prepare: overlong, lone continuation, truncated, surrogate half, beyond U+10FFFF
    const invalid = [
      [0xc0, 0xaf],
      [0x80],
      [0xe2, 0x82],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
    ].map((bytes) =>
      Buffer.from([...Buffer.from('{"a":"'), ...bytes, ...Buffer.from('"}')]).toString('base64'),
    );

    // Act / Assess
    for (const body of invalid) {
      expect(() => parseJsonBody(request(body, {}, true))).toThrow(
        expect.objectContaining({ statusCode: 400, message: 'Request body is not valid UTF-8' }),
      );
    }
  });

  it('rejects any byte sequence that is not UTF-8, for random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
        // Prepare
        const encoded = Buffer.from(bytes).toString('base64');
        const isUtf8 = Buffer.from(bytes).equals(
          Buffer.from(Buffer.from(bytes).toString('utf8'), 'utf8'),
        );

        // Act
        let outcome: unknown;
        try {
          parseJsonBody(request(encoded, {}, true));
          outcome = 'parsed';
        } catch (error) {
          outcome = (error as Error).message;
        }

        // Assess
        if (!isUtf8) expect(outcome).toBe('Request body is not valid UTF-8');
        else expect(outcome).not.toBe('Request body is not valid UTF-8');
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips noncharacters and astral characters in valid UTF-8 unchanged', () => {
    // Prepare
    const value = { a: 'Zo\u00eb \u{1F600} \u6F22 \uFFFE \u{10FFFF}' };
    const encoded = Buffer.from(JSON.stringify(value)).toString('base64');

    // Act / Assess
    expect(parseJsonBody(request(encoded, {}, true))).toEqual(value);
  });

  it('rejects a base64 body with characters outside the base64 alphabet with 400', () => {
    // Prepare: Buffer would skip the '*' and the space and decode the rest
    const good = Buffer.from('{"a":1}').toString('base64');

    // Act / Assess
    for (const body of [`*${good}`, `${good.slice(0, 4)} ${good.slice(4)}`, good.slice(0, -1)]) {
      expect(() => parseJsonBody(request(body, {}, true))).toThrow(
        expect.objectContaining({ statusCode: 400, message: 'Request body is not valid base64' }),
      );
    }
  });

  it('rejects a text body holding an unpaired surrogate with 400', () => {
    // Prepare
    const lone = `{"a":"${String.fromCharCode(0xd800)}"}`;
    const escaped = '{"a":"\\ud800"}'; // well-formed text; the schema judges the value

    // Act / Assess
    expect(() => parseJsonBody(request(lone))).toThrow(
      expect.objectContaining({ statusCode: 400, message: 'Request body is not valid UTF-8' }),
    );
    expect(parseJsonBody(request(escaped))).toEqual({ a: String.fromCharCode(0xd800) });
  });

  it('either returns a value or throws a 4xx AppError, for any input', () => {
    fc.assert(
      fc.property(fc.string(), fc.boolean(), (body, base64) => {
        try {
          parseJsonBody(request(body, {}, base64), { maxBytes: 256 });
        } catch (error) {
          expect([400, 413]).toContain((error as BadRequestError).statusCode);
        }
      }),
    );
  });

  it('round-trips any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = parseJsonBody(request(JSON.stringify(value)), { maxBytes: 1 << 20 });
        expect(parsed).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('getHeader', () => {
  it('finds a header regardless of case', () => {
    expect(getHeader({ headers: { 'Idempotency-Key': 'k1' } }, 'idempotency-key')).toBe('k1');
    expect(getHeader({ headers: {} }, 'x')).toBeUndefined();
  });
});

describe('jsonResponse', () => {
  it('serialises the body with JSON and safe headers', () => {
    const response = jsonResponse(201, { id: 'o1' }, { location: '/orders/o1' });
    expect(response).toEqual({
      statusCode: 201,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        location: '/orders/o1',
      },
      body: '{"id":"o1"}',
    });
  });
});
