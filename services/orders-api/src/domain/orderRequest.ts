import { countryCodeSchema, currencyCodeSchema, ORDER_LIMITS } from '@shop/contracts/orderEvents';
import * as z from 'zod';

// The body of POST /orders. Limits come from @shop/contracts, so the API can never accept an
// order the event schema would reject. Unknown fields are rejected (strict objects): a client
// sending `total` or `lineTotal` learns at once that the server computes them.

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
// ICU knows these region codes, but they are not countries.
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ']);
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

const text = (max: number) => z.string().trim().min(1).max(max);

// The refinements pass values the contract's format check already rejects: one problem each.
export const currencySchema = currencyCodeSchema.refine(
  (code) => !/^[A-Z]{3}$/.test(code) || KNOWN_CURRENCIES.has(code),
  { message: 'Unknown ISO 4217 currency code' },
);

export const countrySchema = countryCodeSchema.refine(
  (code) =>
    !/^[A-Z]{2}$/.test(code) || (!NOT_COUNTRIES.has(code) && regionNames.of(code) !== undefined),
  { message: 'Unknown ISO 3166-1 alpha-2 country code' },
);

export const orderLineRequestSchema = z.strictObject({
  sku: text(ORDER_LIMITS.skuMaxLength),
  quantity: z.number().int().min(1).max(ORDER_LIMITS.maxQuantity),
  unitPrice: z.number().int().min(0).max(ORDER_LIMITS.maxUnitPrice),
});

export const shippingAddressRequestSchema = z.strictObject({
  name: text(ORDER_LIMITS.nameMaxLength),
  line1: text(ORDER_LIMITS.lineMaxLength),
  line2: text(ORDER_LIMITS.lineMaxLength).optional(),
  city: text(ORDER_LIMITS.cityMaxLength),
  postalCode: text(ORDER_LIMITS.postalCodeMaxLength),
  country: countrySchema,
});

/** POST /orders request body. */
export const placeOrderRequestSchema = z.strictObject({
  items: z.array(orderLineRequestSchema).min(1).max(ORDER_LIMITS.maxItems),
  currency: currencySchema,
  shippingAddress: shippingAddressRequestSchema,
  note: text(ORDER_LIMITS.noteMaxLength).optional(),
});

export type PlaceOrderRequest = z.output<typeof placeOrderRequestSchema>;

/** One field-level validation problem, as returned in the error envelope's `details`. */
export interface FieldProblem {
  /** Dotted path into the body, e.g. `items.0.quantity`; empty for the body itself. */
  field: string;
  message: string;
}

/**
 * Validate a parsed JSON body. Returns the normalised request (strings trimmed) or every
 * problem found, so a client can fix them all in one go.
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
