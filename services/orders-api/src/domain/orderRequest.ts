import * as z from '@shop/common/validation';
import { ORDER_LIMITS } from '@shop/contracts/orderEvents';

// The body of POST /orders, and the source of openapi.yaml's request schemas (`pnpm openapi`).
// Limits come from @shop/contracts, so the API never accepts an order the event schema would
// reject. Unknown fields are rejected (strict objects): a client sending `total` learns at once
// that the server computes it. Nothing is transformed: what passes is stored as it was sent, so
// every limit is checked on the stored value and the JSON Schema describes exactly the input.

/**
 * The currencies the shop sells in (ISO 4217). An allow-list rather than "any ISO 4217 code":
 * the registry also holds metals (XAU), fund codes (XDR) and testing codes (XTS), which no
 * price can be in.
 */
export const SUPPORTED_CURRENCIES = [
  'AUD',
  'CAD',
  'CHF',
  'CZK',
  'DKK',
  'EUR',
  'GBP',
  'JPY',
  'NOK',
  'PLN',
  'SEK',
  'USD',
] as const;

/**
 * The 249 officially assigned ISO 3166-1 alpha-2 codes. An explicit list, not ICU's region
 * names: those also know EU, UN, EZ, XK, QO, ZZ and the reserved AC, CP, DG, EA, IC, TA, and
 * they change with the Node version.
 */
export const COUNTRY_CODES = [
  ...'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO'.split(
    ' ',
  ),
  ...'BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ'.split(
    ' ',
  ),
  ...'DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP'.split(
    ' ',
  ),
  ...'GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG'.split(
    ' ',
  ),
  ...'KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML'.split(
    ' ',
  ),
  ...'MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE'.split(
    ' ',
  ),
  ...'PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL'.split(
    ' ',
  ),
  ...'SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM'.split(
    ' ',
  ),
  ...'US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'.split(' '),
];

// Characters no text field may hold: C0 and C1 controls, unpaired surrogates (in a `u` regex a
// lone surrogate is matched as the code point itself, a valid pair as the astral character) and
// the 66 Unicode noncharacters. Written as regex source, because the same pattern is published
// in openapi.yaml (JSON Schema patterns are ECMA-262 with the `u` flag).
const SURROGATES = '\\uD800-\\uDFFF';
const NONCHARACTERS = `\\uFDD0-\\uFDEF\\uFFFE\\uFFFF${Array.from({ length: 16 }, (_, i) => {
  const plane = (i + 1).toString(16).toUpperCase();
  return `\\u{${plane}FFFE}\\u{${plane}FFFF}`;
}).join('')}`;
const SINGLE_LINE_FORBIDDEN = `\\u0000-\\u001F\\u007F-\\u009F${SURROGATES}${NONCHARACTERS}`;
// Multi-line text keeps \t (U+0009) and \n (U+000A); CR and every other control stay out.
const MULTI_LINE_FORBIDDEN = `\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F${SURROGATES}${NONCHARACTERS}`;

// Not empty, no whitespace (as String.prototype.trim sees it) at either end, no forbidden
// character anywhere.
const textPattern = (forbidden: string) =>
  new RegExp(`^[^\\s${forbidden}](?:[^${forbidden}]*[^\\s${forbidden}])?$`, 'u');

/** Single-line fields (names, address lines, city, postal code, sku). */
export const SINGLE_LINE_TEXT = textPattern(SINGLE_LINE_FORBIDDEN);
/** The multi-line `note`: as single-line text, plus \n and \t inside. */
export const MULTI_LINE_TEXT = textPattern(MULTI_LINE_FORBIDDEN);

const codePoint = (char: string) =>
  `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `value` fails a text pattern, naming the first offending character. */
const textProblem = (value: string, multiLine: boolean): string => {
  if (value.trim() === '') return 'Must not be empty or whitespace only';
  const forbidden = new RegExp(
    `[${multiLine ? MULTI_LINE_FORBIDDEN : SINGLE_LINE_FORBIDDEN}]`,
    'u',
  );
  for (const char of value) {
    if (!forbidden.test(char)) continue;
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff)
      return `Contains an unpaired surrogate (${codePoint(char)})`;
    if (code > 0x9f) return `Contains a Unicode noncharacter (${codePoint(char)})`;
    return multiLine
      ? `Contains a control character (${codePoint(char)}); only \\n and \\t are allowed`
      : `Contains a control character (${codePoint(char)}); line breaks and tabs are not allowed`;
  }
  return 'Must not start or end with whitespace';
};

const text = (max: number, description: string, multiLine = false) =>
  z.string().check(
    z.minLength(1, { abort: true, error: 'Must not be empty' }),
    z.maxLength(max, {
      abort: true,
      error: `At most ${max} characters (Unicode code points, as JSON Schema counts)`,
    }),
    z.regex(multiLine ? MULTI_LINE_TEXT : SINGLE_LINE_TEXT, {
      error: (issue) => textProblem(String(issue.input), multiLine),
    }),
    z.meta({ description }),
  );

export const currencySchema = z
  .enum(SUPPORTED_CURRENCIES, {
    error: `A currency the shop sells in: ${SUPPORTED_CURRENCIES.join(', ')}`,
  })
  .check(
    z.meta({
      description: 'ISO 4217 code, one currency per order; only the listed ones are sold.',
    }),
  );

export const countrySchema = z
  .enum(COUNTRY_CODES, { error: 'Not an ISO 3166-1 alpha-2 country code' })
  .check(z.meta({ description: 'ISO 3166-1 alpha-2 code (officially assigned codes only).' }));

export const orderLineRequestSchema = z.strictObject({
  sku: text(ORDER_LIMITS.skuMaxLength, 'Single-line text.'),
  quantity: z.int().check(z.minimum(1), z.maximum(ORDER_LIMITS.maxQuantity)),
  unitPrice: z
    .int()
    .check(
      z.minimum(0),
      z.maximum(ORDER_LIMITS.maxUnitPrice),
      z.meta({ description: 'Price of one unit in minor units of `currency`.' }),
    ),
});

export const shippingAddressRequestSchema = z.strictObject({
  name: text(ORDER_LIMITS.nameMaxLength, 'Single-line text.'),
  line1: text(ORDER_LIMITS.lineMaxLength, 'Single-line text.'),
  line2: z.optional(text(ORDER_LIMITS.lineMaxLength, 'Single-line text.')),
  city: text(ORDER_LIMITS.cityMaxLength, 'Single-line text.'),
  postalCode: text(ORDER_LIMITS.postalCodeMaxLength, 'Single-line text.'),
  country: countrySchema,
});

/** POST /orders request body. */
export const placeOrderRequestSchema = z.strictObject({
  items: z.array(orderLineRequestSchema).check(z.minLength(1), z.maxLength(ORDER_LIMITS.maxItems)),
  currency: currencySchema,
  shippingAddress: shippingAddressRequestSchema,
  note: z.optional(
    text(ORDER_LIMITS.noteMaxLength, 'Multi-line text: \\n and \\t allowed inside.', true),
  ),
});

export type PlaceOrderRequest = z.infer<typeof placeOrderRequestSchema>;

/** One field-level validation problem, as returned in the error envelope's `details`. */
export interface FieldProblem {
  /** Dotted path into the body, e.g. `items.0.quantity`; empty for the body itself. */
  field: string;
  message: string;
}

/**
 * Validate a parsed JSON body. Returns the request exactly as sent (no trimming or
 * normalisation) or every problem found, so a client can fix them all in one go.
 *
 * @example
 * const result = validatePlaceOrderRequest(JSON.parse(body));
 * if (!result.success) return badRequest(result.problems);
 */
export const validatePlaceOrderRequest = (
  body: unknown,
): { success: true; request: PlaceOrderRequest } | { success: false; problems: FieldProblem[] } => {
  const result = placeOrderRequestSchema.safeParse(body);
  if (result.success) return { success: true, request: result.data };
  const problems = result.error.issues.flatMap((issue): FieldProblem[] => {
    const field = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: field === '' ? key : `${field}.${key}`,
        message: 'Unknown field',
      }));
    }
    return [{ field, message: issue.message }];
  });
  return { success: false, problems };
};
