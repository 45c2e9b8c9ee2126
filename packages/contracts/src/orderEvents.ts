import * as z from '@shop/common/validation';

// The order events orders-api sends to OrderEventsQueue and email consumes. One schema, owned
// here, imported by both: a change to it is a change to both services, visible in one diff.
// Additive changes keep `version: 1`; anything that breaks a consumer bumps it, and consumers
// reject versions they do not know (they end in the DLQ, never silently dropped).
// zod/mini through @shop/common/validation (English messages loaded): the same validation as
// zod's chained API in about a seventh of the bundle; every function that parses events ships
// this file.

/** Event types, `as const` rather than an enum. */
export const ORDER_EVENT_TYPES = {
  OrderPlaced: 'OrderPlaced',
  OrderCancelled: 'OrderCancelled',
} as const;

/** Order states. */
export const ORDER_STATUSES = { PLACED: 'PLACED', CANCELLED: 'CANCELLED' } as const;

/** Limits shared by the API's validation and the event schema. */
export const ORDER_LIMITS = {
  maxItems: 50,
  maxQuantity: 1000,
  maxUnitPrice: 100_000_000, // minor units
  skuMaxLength: 64,
  nameMaxLength: 200,
  lineMaxLength: 200,
  cityMaxLength: 100,
  postalCodeMaxLength: 20,
  noteMaxLength: 1000,
} as const;

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

export const currencyCodeSchema = z
  .string()
  .check(z.regex(/^[A-Z]{3}$/, 'ISO 4217 code, e.g. EUR'));
export const countryCodeSchema = z
  .string()
  .check(z.regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, e.g. DE'));

export const shippingAddressSchema = z.object({
  name: text(ORDER_LIMITS.nameMaxLength),
  line1: text(ORDER_LIMITS.lineMaxLength),
  line2: z.optional(text(ORDER_LIMITS.lineMaxLength)),
  city: text(ORDER_LIMITS.cityMaxLength),
  postalCode: text(ORDER_LIMITS.postalCodeMaxLength),
  country: countryCodeSchema,
});

export const orderLineSchema = z.object({
  sku: text(ORDER_LIMITS.skuMaxLength),
  quantity: z.int().check(z.minimum(1), z.maximum(ORDER_LIMITS.maxQuantity)),
  unitPrice: z.int().check(z.minimum(0), z.maximum(ORDER_LIMITS.maxUnitPrice)),
  lineTotal: z.int().check(z.minimum(0)),
});

/** An order as it travels in events (amounts are integers in minor units). */
export const orderSnapshotSchema = z.object({
  orderId: z.string().check(z.minLength(1), z.maxLength(64)),
  customerId: z.string().check(z.minLength(1), z.maxLength(256)),
  status: z.enum([ORDER_STATUSES.PLACED, ORDER_STATUSES.CANCELLED]),
  currency: currencyCodeSchema,
  items: z.array(orderLineSchema).check(z.minLength(1), z.maxLength(ORDER_LIMITS.maxItems)),
  total: z.int().check(z.minimum(0)),
  shippingAddress: shippingAddressSchema,
  note: z.optional(z.string().check(z.maxLength(ORDER_LIMITS.noteMaxLength))),
  createdAt: z.iso.datetime(),
  cancelledAt: z.optional(z.iso.datetime()),
});

const envelope = {
  version: z.literal(1),
  eventId: z.uuid(),
  occurredAt: z.iso.datetime(),
  order: orderSnapshotSchema,
  customer: z.object({ id: z.string().check(z.minLength(1)), email: z.email() }),
};

export const orderPlacedEventSchema = z.object({
  type: z.literal(ORDER_EVENT_TYPES.OrderPlaced),
  ...envelope,
});

export const orderCancelledEventSchema = z.object({
  type: z.literal(ORDER_EVENT_TYPES.OrderCancelled),
  ...envelope,
});

/** Version 1 of the order event: the body of every message on OrderEventsQueue. */
export const orderEventSchema = z.discriminatedUnion('type', [
  orderPlacedEventSchema,
  orderCancelledEventSchema,
]);

export type OrderEvent = z.infer<typeof orderEventSchema>;
export type OrderPlacedEvent = z.infer<typeof orderPlacedEventSchema>;
export type OrderCancelledEvent = z.infer<typeof orderCancelledEventSchema>;
export type OrderSnapshot = z.infer<typeof orderSnapshotSchema>;
export type ShippingAddress = z.infer<typeof shippingAddressSchema>;

/** SQS message attribute names set on every order event (for filtering and tracing). */
export const ORDER_EVENT_ATTRIBUTES = { type: 'eventType', version: 'eventVersion' } as const;
