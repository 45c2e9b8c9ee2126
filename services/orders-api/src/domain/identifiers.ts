import { createHash } from 'node:crypto';
import type { OrderEvent } from '@shop/contracts/orderEvents';

/**
 * Order ids: 26 Crockford base32 characters. Time-ordered ULIDs, or for a request with an
 * Idempotency-Key an id derived from the key ({@link orderIdForKey}).
 */
export const ORDER_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * Customer ids come from the token's `sub`. No `#`, so the table's composite keys
 * (`CUSTOMER#<id>`) can never be ambiguous. Owned by the authorizer context's contract.
 */
export { CUSTOMER_ID_PATTERN } from '@shop/contracts/authorizerContext';

/** Printable ASCII without spaces, 1-255 characters (a UUID is the usual choice). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The order id of a request with an Idempotency-Key: 26 Crockford base32 characters (the
 * shape of every order id) derived from the customer and the key. Every retry of the request,
 * including one after a crash between the order's write and the idempotency record, computes
 * the same id, so the conditional put of the order lets exactly one order exist per key.
 *
 * @example
 * orderIdForKey('c-1', 'b2c4...') === orderIdForKey('c-1', 'b2c4...'); // true
 */
export const orderIdForKey = (customerId: string, idempotencyKey: string): string => {
  const digest = createHash('sha256')
    .update(`orders-api/order-id/v1\n${customerId}\n${idempotencyKey}`, 'utf8')
    .digest();
  let bits = 0n;
  for (const byte of digest.subarray(0, 17)) bits = (bits << 8n) | BigInt(byte);
  let id = '';
  for (let i = 0; i < 26; i += 1) {
    id = (CROCKFORD[Number(bits & 31n)] as string) + id;
    bits >>= 5n;
  }
  return id;
};

/** Fixed namespace for the name-based event ids below (a random v4 UUID, chosen once). */
const EVENT_ID_NAMESPACE = Buffer.from('6f1c2b9e4d7a4c0f9e3b5a8d2c1e0f47', 'hex');

/**
 * The id of an order's event: a name-based UUID (version 5, RFC 9562) of the order id and the
 * event type. Deterministic, so a retry that publishes the event again carries the same id and
 * the consumer's de-duplication drops the copy.
 *
 * @example
 * eventIdFor('01JD0000000000000000000000', 'OrderPlaced'); // always the same UUID
 */
export const eventIdFor = (orderId: string, type: OrderEvent['type']): string => {
  const hash = createHash('sha1')
    .update(EVENT_ID_NAMESPACE)
    .update(`${type}:${orderId}`, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50; // version 5
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
