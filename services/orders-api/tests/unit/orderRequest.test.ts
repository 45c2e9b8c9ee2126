import { ORDER_LIMITS } from '@shop/contracts/orderEvents';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPlaceOrderRequest } from '../../src/app/requests.js';
import {
  COUNTRY_CODES,
  SUPPORTED_CURRENCIES,
  validatePlaceOrderRequest,
} from '../../src/domain/orderRequest.js';
import { validOrderBody } from '../support/fixtures.js';

const fieldsOf = (body: unknown) => {
  const result = validatePlaceOrderRequest(body);
  return result.success ? [] : result.problems.map((problem) => problem.field);
};

// The character rules, written independently of the schema's regex: an oracle by arithmetic.
const isControl = (code: number) => code <= 0x1f || (code >= 0x7f && code <= 0x9f);
const isNoncharacter = (code: number) =>
  (code >= 0xfdd0 && code <= 0xfdef) || (code & 0xfffe) === 0xfffe;
const isSurrogate = (code: number) => code >= 0xd800 && code <= 0xdfff;
const allowed = (code: number) => !isControl(code) && !isNoncharacter(code) && !isSurrogate(code);

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const CONTROLS = [...range(0x00, 0x1f), ...range(0x7f, 0x9f)];
const NONCHARACTERS = [
  ...range(0xfdd0, 0xfdef),
  ...range(0, 16).flatMap((plane) => [plane * 0x10000 + 0xfffe, plane * 0x10000 + 0xffff]),
];
const SURROGATES = range(0xd800, 0xdfff);
const char = (code: number) =>
  isSurrogate(code) ? String.fromCharCode(code) : String.fromCodePoint(code);

/** A text field: where it sits in the body, its limit, whether it is multi-line. */
const TEXT_FIELDS = [
  { field: 'items.0.sku', max: ORDER_LIMITS.skuMaxLength, multiLine: false },
  { field: 'shippingAddress.name', max: ORDER_LIMITS.nameMaxLength, multiLine: false },
  { field: 'shippingAddress.line1', max: ORDER_LIMITS.lineMaxLength, multiLine: false },
  { field: 'shippingAddress.line2', max: ORDER_LIMITS.lineMaxLength, multiLine: false },
  { field: 'shippingAddress.city', max: ORDER_LIMITS.cityMaxLength, multiLine: false },
  { field: 'shippingAddress.postalCode', max: ORDER_LIMITS.postalCodeMaxLength, multiLine: false },
  { field: 'note', max: ORDER_LIMITS.noteMaxLength, multiLine: true },
] as const;

const withField = (field: string, value: string) => {
  const body = structuredClone(validOrderBody()) as Record<string, unknown>;
  const path = field.split('.');
  const last = path.pop() ?? '';
  let node = body;
  for (const key of path) node = node[key] as Record<string, unknown>;
  node[last] = value;
  return body;
};
const valueAt = (request: unknown, field: string) =>
  field.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], request);

const ascii = (max: number) =>
  fc.string({ unit: fc.constantFrom(...'abcXYZ019-'), minLength: 1, maxLength: max });

// Emoji (with ZWJ sequences and skin tones), CJK incl. astral extension B, and any code point
// at all, kept only where the oracle allows it and no whitespace sits at either end.
const anyAllowedText = (max: number) =>
  fc
    .array(
      fc.oneof(
        fc.integer({ min: 0x1f300, max: 0x1faff }),
        fc.constantFrom(0x200d, 0x1f3fd, 0xfe0f, 0x20e3),
        fc.integer({ min: 0x4e00, max: 0x9fff }),
        fc.integer({ min: 0x20000, max: 0x2a6df }),
        fc.integer({ min: 0xa0, max: 0x10ffff }),
      ),
      { minLength: 1, maxLength: max },
    )
    .map((codes) => String.fromCodePoint(...codes.filter(allowed)))
    .filter((value) => value !== '' && value.trim() === value);

const text = (max: number) =>
  fc.string({ minLength: 1, maxLength: max }).filter((value) => {
    return value.trim() === value && [...value].every((c) => allowed(c.codePointAt(0) ?? 0));
  });

const validBody = fc.record(
  {
    items: fc.array(
      fc.record({
        sku: text(ORDER_LIMITS.skuMaxLength),
        quantity: fc.integer({ min: 1, max: ORDER_LIMITS.maxQuantity }),
        unitPrice: fc.integer({ min: 0, max: ORDER_LIMITS.maxUnitPrice }),
      }),
      { minLength: 1, maxLength: ORDER_LIMITS.maxItems },
    ),
    currency: fc.constantFrom(...SUPPORTED_CURRENCIES),
    shippingAddress: fc.record(
      {
        name: text(ORDER_LIMITS.nameMaxLength),
        line1: text(ORDER_LIMITS.lineMaxLength),
        line2: text(ORDER_LIMITS.lineMaxLength),
        city: text(ORDER_LIMITS.cityMaxLength),
        postalCode: text(ORDER_LIMITS.postalCodeMaxLength),
        country: fc.constantFrom(...COUNTRY_CODES),
      },
      { requiredKeys: ['name', 'line1', 'city', 'postalCode', 'country'] },
    ),
    note: text(ORDER_LIMITS.noteMaxLength),
  },
  { requiredKeys: ['items', 'currency', 'shippingAddress'] },
);

describe('validatePlaceOrderRequest', () => {
  it('accepts a complete order and returns it exactly as sent', () => {
    // Prepare
    const body = validOrderBody();

    // Act
    const result = validatePlaceOrderRequest(body);

    // Assess
    expect(result).toEqual({ success: true, request: body });
  });

  it('accepts every body within the limits', () => {
    fc.assert(
      fc.property(validBody, (body) => {
        expect(validatePlaceOrderRequest(body)).toEqual({ success: true, request: body });
      }),
      { numRuns: 200 },
    );
  });

  it('accepts emoji, CJK and astral text in every text field and returns it unchanged', () => {
    const fieldAndValue = fc
      .constantFrom(...TEXT_FIELDS)
      .chain((field) => fc.tuple(fc.constant(field), anyAllowedText(Math.min(field.max, 80))));
    fc.assert(
      fc.property(fieldAndValue, ([{ field }, value]) => {
        // Act
        const result = validatePlaceOrderRequest(withField(field, value));

        // Assess
        expect(result.success, JSON.stringify({ field, value })).toBe(true);
        expect(result.success && valueAt(result.request, field)).toBe(value);
      }),
      { numRuns: 500 },
    );
  });

  it('counts lengths in code points, as JSON Schema does, so an emoji counts once', () => {
    // Prepare
    const emoji = '\u{1F600}'.repeat(ORDER_LIMITS.nameMaxLength);

    // Act / Assess
    expect(fieldsOf(withField('shippingAddress.name', emoji))).toEqual([]);
    expect(fieldsOf(withField('shippingAddress.name', `${emoji}x`))).toEqual([
      'shippingAddress.name',
    ]);
  });

  it('rejects every noncharacter, control character and lone surrogate, naming the field', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TEXT_FIELDS),
        fc.constantFrom(...NONCHARACTERS, ...CONTROLS, ...SURROGATES),
        ascii(20),
        fc.nat(),
        ({ field, multiLine }, code, base, at) => {
          // Prepare: inside the text, so only the character itself can be the problem
          const cut = 1 + (at % base.length);
          const value = `a${base.slice(0, cut)}${char(code)}${base.slice(cut)}z`;
          const tolerated = multiLine && (code === 0x0a || code === 0x09);

          // Act
          const result = validatePlaceOrderRequest(withField(field, value));

          // Assess
          if (tolerated) expect(result.success).toBe(true);
          else expect(result.success ? [] : result.problems.map((p) => p.field)).toEqual([field]);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('rejects each of the 66 noncharacters, 65 controls and 2048 surrogates in a name', () => {
    for (const code of [...NONCHARACTERS, ...CONTROLS, ...SURROGATES]) {
      // Act
      const result = validatePlaceOrderRequest(
        withField('shippingAddress.name', `A${char(code)}B`),
      );

      // Assess
      expect(result.success, code.toString(16)).toBe(false);
      expect(!result.success && result.problems).toEqual([
        {
          field: 'shippingAddress.name',
          message: expect.stringContaining(`U+${code.toString(16).toUpperCase().padStart(4, '0')}`),
        },
      ]);
    }
    expect(NONCHARACTERS).toHaveLength(66);
    expect(CONTROLS).toHaveLength(65);
  });

  it('allows \n and \t inside a note, and nothing else from C0 or C1', () => {
    // Act / Assess
    expect(fieldsOf(withField('note', 'Ring twice\n\tthen wait'))).toEqual([]);
    for (const code of CONTROLS.filter((c) => c !== 0x0a && c !== 0x09)) {
      expect(fieldsOf(withField('note', `a${char(code)}b`)), code.toString(16)).toEqual(['note']);
    }
    expect(fieldsOf(withField('note', 'a\r\nb'))).toEqual(['note']);
  });

  it('rejects line breaks and tabs in single-line fields', () => {
    for (const { field, multiLine } of TEXT_FIELDS.filter((f) => !f.multiLine)) {
      // Act / Assess
      expect(multiLine).toBe(false);
      for (const value of ['a\nb', 'a\rb', 'a\tb', 'a\u2028b'.replace('\u2028', '\u0085')]) {
        expect(fieldsOf(withField(field, value)), field).toEqual([field]);
      }
    }
  });

  it('rejects empty, whitespace-only and whitespace-padded text instead of trimming it', () => {
    for (const { field } of TEXT_FIELDS) {
      for (const value of ['', ' ', '\u00a0\u3000', 'x ', ' x', '\u00a0x', 'x\u3000', '\nx']) {
        // Act
        const result = validatePlaceOrderRequest(withField(field, value));

        // Assess
        expect(result.success ? [] : result.problems, JSON.stringify({ field, value })).toEqual([
          { field, message: expect.any(String) },
        ]);
      }
    }
  });

  it('checks lengths on the value that is stored', () => {
    // Prepare
    const max = ORDER_LIMITS.nameMaxLength;

    // Act / Assess
    expect(fieldsOf(withField('shippingAddress.name', 'n'.repeat(max)))).toEqual([]);
    expect(fieldsOf(withField('shippingAddress.name', 'n'.repeat(max + 1)))).toEqual([
      'shippingAddress.name',
    ]);
    expect(fieldsOf(withField('shippingAddress.name', ` ${'n'.repeat(max)} `))).toEqual([
      'shippingAddress.name',
    ]);
  });

  it('answers with field problems, never an exception, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = validatePlaceOrderRequest(value);
        if (!result.success) {
          expect(result.problems.length).toBeGreaterThan(0);
          for (const problem of result.problems) expect(typeof problem.field).toBe('string');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects any single field pushed past its limit', () => {
    fc.assert(
      fc.property(
        validBody,
        fc.constantFrom('quantity', 'unitPrice', 'sku', 'items', 'note', 'postalCode'),
        (body, which) => {
          const broken = structuredClone(body);
          const first = broken.items[0];
          if (!first) return;
          if (which === 'quantity') first.quantity = ORDER_LIMITS.maxQuantity + 1;
          if (which === 'unitPrice') first.unitPrice = ORDER_LIMITS.maxUnitPrice + 1;
          if (which === 'sku') first.sku = 'S'.repeat(ORDER_LIMITS.skuMaxLength + 1);
          if (which === 'items') broken.items = Array(ORDER_LIMITS.maxItems + 1).fill(first);
          if (which === 'note') broken.note = 'n'.repeat(ORDER_LIMITS.noteMaxLength + 1);
          if (which === 'postalCode') {
            broken.shippingAddress.postalCode = '9'.repeat(ORDER_LIMITS.postalCodeMaxLength + 1);
          }
          expect(validatePlaceOrderRequest(broken).success).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('names each offending field in the details', () => {
    // Prepare
    const body = {
      ...validOrderBody(),
      items: [{ sku: '', quantity: 0, unitPrice: 12.5 }],
      currency: 'EURO',
      total: 100,
    };

    // Act
    const fields = fieldsOf(body);

    // Assess
    expect(fields).toEqual(
      expect.arrayContaining([
        'items.0.sku',
        'items.0.quantity',
        'items.0.unitPrice',
        'currency',
        'total',
      ]),
    );
  });

  it('accepts only the currencies the shop sells in', () => {
    // Prepare
    const body = validOrderBody();

    // Act / Assess
    for (const currency of SUPPORTED_CURRENCIES)
      expect(fieldsOf({ ...body, currency })).toEqual([]);
    for (const currency of ['XAU', 'XAG', 'XDR', 'XTS', 'XXX', 'BHD', 'XYZ', 'eur', 'EURO']) {
      expect(fieldsOf({ ...body, currency }), currency).toEqual(['currency']);
    }
  });

  it('accepts the 249 assigned ISO 3166-1 alpha-2 codes and nothing else', () => {
    // Prepare
    const body = validOrderBody();
    const withCountry = (country: string) => ({
      ...body,
      shippingAddress: { ...body.shippingAddress, country },
    });

    // Act / Assess
    expect(new Set(COUNTRY_CODES).size).toBe(249);
    for (const country of COUNTRY_CODES) expect(fieldsOf(withCountry(country))).toEqual([]);
    for (const country of ['EU', 'UN', 'EZ', 'XK', 'ZZ', 'QO', 'AC', 'UK', 'de', 'DEU', 'D']) {
      expect(fieldsOf(withCountry(country)), country).toEqual(['shippingAddress.country']);
    }
  });

  it('requires between 1 and 50 items', () => {
    // Act / Assess
    expect(fieldsOf({ ...validOrderBody(), items: [] })).toEqual(['items']);
    expect(fieldsOf({ ...validOrderBody(), items: undefined })).toEqual(['items']);
  });
});

describe('readPlaceOrderRequest', () => {
  const event = (body: string, contentType = 'application/json') => ({
    headers: { 'content-type': contentType },
    body,
    isBase64Encoded: false,
  });

  it('rejects a non-JSON content type with 415', () => {
    // Act / Assess
    expect(() => readPlaceOrderRequest(event('{}', 'text/plain'))).toThrow(
      expect.objectContaining({ statusCode: 415 }),
    );
  });

  it('rejects malformed JSON with 400', () => {
    // Act / Assess
    expect(() => readPlaceOrderRequest(event('{"items": ['))).toThrow(
      expect.objectContaining({ statusCode: 400, code: 'BAD_REQUEST' }),
    );
  });

  it('rejects a body over 64 KiB with 413', () => {
    // Prepare
    const body = JSON.stringify({ ...validOrderBody(), note: 'x'.repeat(65 * 1024) });

    // Act / Assess
    expect(() => readPlaceOrderRequest(event(body))).toThrow(
      expect.objectContaining({ statusCode: 413 }),
    );
  });

  it('rejects invalid UTF-8 in a base64 body with 400 instead of storing U+FFFD', () => {
    // Prepare
    const json = Buffer.from(JSON.stringify(validOrderBody()));
    const at = json.indexOf('Ada');
    const bytes = Buffer.concat([json.subarray(0, at), Buffer.from([0xff]), json.subarray(at)]);

    // Act / Assess
    expect(() =>
      readPlaceOrderRequest({ ...event(bytes.toString('base64')), isBase64Encoded: true }),
    ).toThrow(
      expect.objectContaining({ statusCode: 400, message: 'Request body is not valid UTF-8' }),
    );
  });

  it('rejects an escaped lone surrogate with 400 naming the field', () => {
    // Prepare
    const body = JSON.stringify(withField('shippingAddress.city', 'Lon\ud800don'));

    // Act / Assess
    expect(body).toContain('\\ud800');
    expect(() => readPlaceOrderRequest(event(body))).toThrow(
      expect.objectContaining({
        statusCode: 400,
        details: [
          { field: 'shippingAddress.city', message: 'Contains an unpaired surrogate (U+D800)' },
        ],
      }),
    );
  });

  it('never throws anything but a 4xx error for arbitrary bodies', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (raw) => {
        try {
          readPlaceOrderRequest(event(raw));
        } catch (error) {
          expect((error as { statusCode?: number }).statusCode).toBeGreaterThanOrEqual(400);
          expect((error as { statusCode?: number }).statusCode).toBeLessThan(500);
        }
      }),
      { numRuns: 300 },
    );
  });
});
