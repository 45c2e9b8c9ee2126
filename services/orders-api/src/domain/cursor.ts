import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from '@shop/common/validation';
import { InvalidCursorError } from './errors.js';
import { ORDER_ID_PATTERN } from './identifiers.js';
import type { KeyVersions, PagePosition } from './ports.js';
import { onceEvery } from './throttle.js';

// An opaque pagination cursor: `<payload>.<macs>`, both base64url. The payload names the last
// order of the page (id and creation time, the position in the ByCreatedAt index); the HMAC
// binds it to the customer it was issued to, so a cursor edited by hand or taken from another
// customer is rejected (400) instead of being queried. `<macs>` holds one HMAC per key version
// the issuing container held: the current one, then the previous one during a rotation. A
// container whose cached keys predate the rotation (they hold the new previous version as
// current) verifies the second, without reading the secret; one that read it later verifies
// the first. Cursors with one HMAC (issued before any rotation, or by earlier versions) verify
// as before.

/** Encodes and verifies cursors for one customer at a time. */
export interface CursorCodec {
  encode(customerId: string, after: PagePosition): Promise<string>;
  /** Where the next page starts. @throws {InvalidCursorError} */
  decode(customerId: string, cursor: string): Promise<PagePosition>;
}

const MAX_CURSOR_LENGTH = 256;
const CURSOR_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAC_LENGTH = 32; // HMAC-SHA256
const MAX_MACS = 2; // current and previous
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

const secretsOf = (versions: KeyVersions) =>
  versions.previous === undefined ? [versions.current] : [versions.current, versions.previous];

/** Does any of the cursor's HMACs verify under any of these key versions? */
const matches = (versions: KeyVersions, customerId: string, payload: string, given: Buffer) => {
  const macs = Array.from({ length: given.length / MAC_LENGTH }, (_, index) =>
    given.subarray(index * MAC_LENGTH, (index + 1) * MAC_LENGTH),
  );
  return secretsOf(versions).some((secret) => {
    const expected = mac(cursorKey(secret), customerId, payload);
    return macs.some((candidate) => timingSafeEqual(expected, candidate));
  });
};

/**
 * @param keys the cursor secret's versions (cached by the caller); both sign and both verify,
 * so cursors survive a key rotation, in either direction: a container whose cache predates it
 * verifies a cursor another container issued with the new key by the HMAC of the previous one.
 * @param refresh how to read the versions again, for a cursor none of the cached versions
 * verifies (a cache that missed more than one rotation): the keys are re-read (at most every
 * `intervalMs`, default 30 s) before the cursor is refused. A failed re-read is thrown: a
 * server problem, not a bad cursor.
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
      const versions = await keys();
      const payload = Buffer.from(
        JSON.stringify({ v: 2, after: after.orderId, at: after.createdAt }),
      ).toString('base64url');
      const macs = secretsOf(versions).map((secret) => mac(cursorKey(secret), customerId, payload));
      return `${payload}.${Buffer.concat(macs).toString('base64url')}`;
    },

    async decode(customerId, cursor) {
      if (cursor.length > MAX_CURSOR_LENGTH || !CURSOR_SHAPE.test(cursor)) {
        throw new InvalidCursorError('malformed');
      }
      const [payload = '', signature = ''] = cursor.split('.');
      const given = Buffer.from(signature, 'base64url');
      // Base64 has spare bits: only the canonical spelling of the MACs counts.
      if (given.toString('base64url') !== signature) throw new InvalidCursorError('malformed');
      // Not whole HMACs: no key made them, so no re-read could verify them.
      if (
        given.length === 0 ||
        given.length % MAC_LENGTH !== 0 ||
        given.length > MAX_MACS * MAC_LENGTH
      )
        throw new InvalidCursorError('malformed');
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
