import { errors, jwtVerify } from 'jose';
import * as z from 'zod';
import type { KeyVersions } from '../domain/cursor.js';
import { CUSTOMER_ID_PATTERN } from '../domain/identifiers.js';

/** Who a valid token identifies. */
export interface Identity {
  customerId: string;
  email: string;
}

/** Why a request is not authenticated (for logs and the WWW-Authenticate header). */
export type AuthFailure = 'missing_token' | 'invalid_token' | 'expired_token';

export type Verification = { ok: true; identity: Identity } | { ok: false; reason: AuthFailure };

export interface TokenVerifierOptions {
  /** The signing key's current and previous value (cached by the caller). */
  keys: () => Promise<KeyVersions>;
  /**
   * Read the keys again now, so a token signed with a just-rotated key can verify. A failure
   * leaves the cached keys in place.
   */
  refreshKeys?: () => Promise<KeyVersions>;
  issuer: string;
  audience: string;
  clockToleranceSeconds?: number;
  /** Refresh the keys after a signature mismatch at most this often (protects Secrets Manager). */
  refreshIntervalMs?: number;
  now?: () => number;
}

const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;
const MAX_HEADER_LENGTH = 4096;
const claimsSchema = z.object({ sub: z.string().regex(CUSTOMER_ID_PATTERN), email: z.email() });
const encoder = new TextEncoder();

/**
 * Verifies `Authorization: Bearer <JWT>` headers: HS256 only, signature by the current or the
 * previous signing key (a rotation causes no outage), `exp` required, `nbf`, `iss` and `aud`
 * checked, a small clock tolerance. `sub` is the customer id, `email` the customer's address.
 *
 * @example
 * const verifier = createTokenVerifier({ keys, issuer: 'shop-auth', audience: 'shop-orders-api' });
 * const result = await verifier.verify(event.headers.authorization);
 */
export const createTokenVerifier = (options: TokenVerifierOptions) => {
  const now = options.now ?? Date.now;
  const refreshIntervalMs = options.refreshIntervalMs ?? 30_000;
  let lastRefresh = now();

  const verifyWith = async (token: string, versions: KeyVersions) => {
    const secrets =
      versions.previous === undefined ? [versions.current] : [versions.current, versions.previous];
    for (const secret of secrets) {
      try {
        const { payload } = await jwtVerify(token, encoder.encode(secret), {
          algorithms: ['HS256'],
          issuer: options.issuer,
          audience: options.audience,
          clockTolerance: options.clockToleranceSeconds ?? 30,
          requiredClaims: ['exp', 'sub'],
          currentDate: new Date(now()),
        });
        return payload;
      } catch (error) {
        // Only a signature mismatch means "try the other key"; anything else is final.
        if (!(error instanceof errors.JWSSignatureVerificationFailed)) throw error;
      }
    }
    return undefined;
  };

  // The last keys read successfully: served while Secrets Manager cannot be reached, so an
  // outage (or a flood of forged tokens forcing refreshes) never turns valid tokens away.
  let lastGood: KeyVersions | undefined;
  const currentKeys = async (): Promise<KeyVersions> => {
    try {
      lastGood = await options.keys();
    } catch (error) {
      if (lastGood === undefined) throw error;
    }
    return lastGood;
  };
  const refreshedKeys = async (
    refresh: () => Promise<KeyVersions>,
  ): Promise<KeyVersions | undefined> => {
    try {
      lastGood = await refresh();
      return lastGood;
    } catch {
      return undefined; // keep serving what we have; the token simply does not verify
    }
  };

  const verifyToken = async (token: string): Promise<Verification> => {
    let payload = await verifyWith(token, await currentKeys());
    const refresh = options.refreshKeys;
    if (payload === undefined && refresh && now() - lastRefresh >= refreshIntervalMs) {
      lastRefresh = now();
      const fresh = await refreshedKeys(refresh);
      if (fresh !== undefined) payload = await verifyWith(token, fresh);
    }
    if (payload === undefined) return { ok: false, reason: 'invalid_token' };
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) return { ok: false, reason: 'invalid_token' };
    return { ok: true, identity: { customerId: claims.data.sub, email: claims.data.email } };
  };

  return {
    async verify(header: string | undefined): Promise<Verification> {
      if (header === undefined || header.trim() === '')
        return { ok: false, reason: 'missing_token' };
      const match = header.length <= MAX_HEADER_LENGTH ? BEARER.exec(header.trim()) : null;
      if (match?.[1] === undefined) return { ok: false, reason: 'invalid_token' };
      try {
        return await verifyToken(match[1]);
      } catch (error) {
        if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired_token' };
        if (error instanceof errors.JOSEError) return { ok: false, reason: 'invalid_token' };
        throw error; // e.g. the key could not be read: a server problem, not the caller's
      }
    },
  };
};

export type TokenVerifier = ReturnType<typeof createTokenVerifier>;
