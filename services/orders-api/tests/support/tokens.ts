import { SignJWT } from 'jose';

export const ISSUER = 'shop-auth';
export const AUDIENCE = 'shop-orders-api';
export const KEY_1 = 'k1-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01';
export const KEY_2 = 'k2-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ02';
export const KEY_3 = 'k3-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ03';

/** Sign a customer token; every claim can be overridden or dropped (undefined). */
export const signToken = async (
  key: string,
  options: {
    sub?: string;
    email?: string | undefined;
    iss?: string;
    aud?: string;
    exp?: number | undefined;
    nbf?: number;
    alg?: 'HS256' | 'HS384' | 'HS512';
    now?: number;
  } = {},
) => {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {};
  if (!('email' in options) || options.email !== undefined) {
    claims.email = options.email ?? 'ada@example.com';
  }
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .setSubject(options.sub ?? 'cust-ada')
    .setIssuer(options.iss ?? ISSUER)
    .setAudience(options.aud ?? AUDIENCE)
    .setIssuedAt(now);
  if (!('exp' in options) || options.exp !== undefined)
    jwt = jwt.setExpirationTime(options.exp ?? now + 3600);
  if (options.nbf !== undefined) jwt = jwt.setNotBefore(options.nbf);
  return jwt.sign(new TextEncoder().encode(key));
};
