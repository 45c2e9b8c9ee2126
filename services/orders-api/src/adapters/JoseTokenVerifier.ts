import * as z from '@shop/common/validation';
import { TOKEN_CLOCK_TOLERANCE_SECONDS } from '@shop/contracts/authorizerContext';
import { errors, jwtVerify } from 'jose';
import { CUSTOMER_ID_PATTERN } from '../domain/identifiers.js';
import type { KeyVersions, SigningKeys, TokenVerifier, Verification } from '../domain/ports.js';
import { onceEvery } from '../domain/throttle.js';

export interface JoseTokenVerifierOptions {
  /** The signing key's current and previous value (cached), and a way to read them again. */
  keys: SigningKeys;
  issuer: string;
  audience: string;
  clockToleranceSeconds?: number;
  /** Refresh the keys after a signature mismatch at most this often (protects Secrets Manager). */
  refreshIntervalMs?: number;
  now?: () => number;
}

const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;
const MAX_HEADER_LENGTH = 4096;
const claimsSchema = z.object({
  sub: z.string().check(z.regex(CUSTOMER_ID_PATTERN)),
  email: z.email(),
  exp: z.number(),
});
const encoder = new TextEncoder();

/**
 * The TokenVerifier port on jose. Verifies `Authorization: Bearer <JWT>` headers: HS256 only, signature by the current or the
 * previous signing key (a rotation causes no outage), `exp` required, `nbf`, `iss` and `aud`
 * checked, a small clock tolerance. `sub` is the customer id, `email` the customer's address.
 *
 * @example
 * const verifier = createJoseTokenVerifier({ keys, issuer: 'shop-auth', audience: 'shop-orders-api' });
 * const result = await verifier.verify(event.headers.authorization);
 */
export const createJoseTokenVerifier = (options: JoseTokenVerifierOptions): TokenVerifier => {
  const now = options.now ?? Date.now;
  // The first mismatch may re-read the keys at once (a container started just before a
  // rotation holds the old ones in its cache).
  const mayRefresh = onceEvery(options.refreshIntervalMs ?? 30_000, now);

  const verifyWith = async (token: string, versions: KeyVersions) => {
    const secrets =
      versions.previous === undefined ? [versions.current] : [versions.current, versions.previous];
    for (const secret of secrets) {
      try {
        const { payload } = await jwtVerify(token, encoder.encode(secret), {
          algorithms: ['HS256'],
          issuer: options.issuer,
          audience: options.audience,
          clockTolerance: options.clockToleranceSeconds ?? TOKEN_CLOCK_TOLERANCE_SECONDS,
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
      lastGood = await options.keys.current();
    } catch (error) {
      if (lastGood === undefined) throw error;
    }
    return lastGood;
  };
  // A failed re-read is thrown (API Gateway answers 500 and caches nothing): denying the token
  // would cache a 403 for a token the current keys might accept. The last good keys stay.
  const refreshedKeys = async (refresh: () => Promise<KeyVersions>): Promise<KeyVersions> => {
    lastGood = await refresh();
    return lastGood;
  };

  const verifyToken = async (token: string): Promise<Verification> => {
    let payload = await verifyWith(token, await currentKeys());
    const refresh = options.keys.refresh?.bind(options.keys);
    if (payload === undefined && refresh && mayRefresh()) {
      payload = await verifyWith(token, await refreshedKeys(refresh));
    }
    if (payload === undefined) return { ok: false, reason: 'invalid_token' };
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) return { ok: false, reason: 'invalid_token' };
    const { sub: customerId, email, exp } = claims.data;
    return { ok: true, identity: { customerId, email, expiresAt: Math.floor(exp) } };
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
