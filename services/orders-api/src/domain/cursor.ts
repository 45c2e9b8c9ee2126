import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from '@shop/common/validation';
import { InvalidCursorError } from './errors.js';
import { ORDER_ID_PATTERN } from './identifiers.js';
import type { KeyVersions, PagePosition } from './ports.js';
import { onceEvery } from './throttle.js';

// An opaque pagination cursor: `<payload>.<mac>`, both base64url. The payload names the last
// order of the page (id and creation time, the position in the ByCreatedAt index); the HMAC
// binds it to the customer it was issued to, so a cursor edited by hand or taken from another
// customer is rejected (400) instead of being queried.

/** Encodes and verifies cursors for one customer at a time. */
export interface CursorCodec {
  encode(customerId: string, after: PagePosition): Promise<string>;
  /** Where the next page starts. @throws {InvalidCursorError} */
  decode(customerId: string, cursor: string): Promise<PagePosition>;
}

const MAX_CURSOR_LENGTH = 256;
const CURSOR_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const payloadSchema = z.strictObject({
  v: z.literal(2),
  after: z.string().check(z.regex(ORDER_ID_PATTERN)),
  at: z.iso.datetime(),
});

// The MAC key, derived from the cursor secret (CursorKeySecret, which only the API function
// reads) with a label of its own: a key made for cursors is never used for anything else.
const cursorKey = (secret: string) =>
  createHmac('sha256', secret).update('orders-api/cursor/v1').digest();

const mac = (key: Buffer, customerId: string, payload: string) =>
  createHmac('sha256', key).update(`${customerId}\n${payload}`).digest();

export interface CursorRefresh {
  /** Read the secret's versions again now (not from the cache). */
  refresh(): Promise<KeyVersions>;
  /** Re-read after a signature mismatch at most this often (protects Secrets Manager). */
  intervalMs?: number;
  now?: () => number;
}

const matches = (versions: KeyVersions, customerId: string, payload: string, given: Buffer) => {
  const secrets =
    versions.previous === undefined ? [versions.current] : [versions.current, versions.previous];
  return secrets.some((secret) => {
    const expected = mac(cursorKey(secret), customerId, payload);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
};

/**
 * @param keys the cursor secret's versions (cached by the caller); the current one signs,
 * both verify, so cursors survive a key rotation.
 * @param refresh how to read the versions again: after a rotation, another container (whose
 * cache was read later) may already sign with the new key, which this one's cache does not
 * hold yet; on a mismatch the keys are re-read (at most every `intervalMs`, default 30 s)
 * before the cursor is refused. A failed re-read is thrown: a server problem, not a bad cursor.
 *
 * @example
 * const codec = createCursorCodec(() => cursorKeys.current(), { refresh: () => cursorKeys.refresh() });
 * const cursor = await codec.encode('c-1', { orderId, createdAt });
 */
export const createCursorCodec = (
  keys: () => Promise<KeyVersions>,
  refresh?: CursorRefresh,
): CursorCodec => {
  const mayRefresh = onceEvery(refresh?.intervalMs ?? 30_000, refresh?.now);
  return {
    async encode(customerId, after) {
      const { current } = await keys();
      const payload = Buffer.from(
        JSON.stringify({ v: 2, after: after.orderId, at: after.createdAt }),
      ).toString('base64url');
      return `${payload}.${mac(cursorKey(current), customerId, payload).toString('base64url')}`;
    },

    async decode(customerId, cursor) {
      if (cursor.length > MAX_CURSOR_LENGTH || !CURSOR_SHAPE.test(cursor)) {
        throw new InvalidCursorError('malformed');
      }
      const [payload = '', signature = ''] = cursor.split('.');
      const given = Buffer.from(signature, 'base64url');
      // Base64 has spare bits: only the canonical spelling of the MAC counts.
      if (given.toString('base64url') !== signature) throw new InvalidCursorError('malformed');
      let valid = matches(await keys(), customerId, payload, given);
      if (!valid && refresh !== undefined && mayRefresh()) {
        valid = matches(await refresh.refresh(), customerId, payload, given);
      }
      if (!valid) throw new InvalidCursorError('signature mismatch');
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch (error) {
        throw new InvalidCursorError('unreadable payload', { cause: error });
      }
      const parsed = payloadSchema.safeParse(decoded);
      if (!parsed.success) throw new InvalidCursorError('unexpected payload');
      return { orderId: parsed.data.after, createdAt: parsed.data.at };
    },
  };
};
