import { describe, expect, it, vi } from 'vitest';
import { createJoseTokenVerifier } from '../../src/adapters/JoseTokenVerifier.js';
import { AUDIENCE, ISSUER, KEY_1, KEY_2, KEY_3, signToken } from '../support/tokens.js';

const NOW = 1_772_359_200; // seconds
const verifierWith = (current: string, previous?: string, extra = {}) =>
  createJoseTokenVerifier({
    keys: { current: async () => (previous === undefined ? { current } : { current, previous }) },
    issuer: ISSUER,
    audience: AUDIENCE,
    now: () => NOW * 1000,
    ...extra,
  });

describe('createJoseTokenVerifier', () => {
  it('accepts a valid token and reports sub, email and exp', async () => {
    // Prepare
    const token = await signToken(KEY_1, { now: NOW });

    // Act
    const result = await verifierWith(KEY_1).verify(`Bearer ${token}`);

    // Assess
    expect(result).toEqual({
      ok: true,
      identity: { customerId: 'cust-ada', email: 'ada@example.com', expiresAt: NOW + 3600 },
    });
  });

  it('accepts tokens signed with the previous key during a rotation', async () => {
    // Prepare
    const old = await signToken(KEY_1, { now: NOW });
    const fresh = await signToken(KEY_2, { now: NOW });
    const verifier = verifierWith(KEY_2, KEY_1);

    // Act / Assess
    expect((await verifier.verify(`Bearer ${old}`)).ok).toBe(true);
    expect((await verifier.verify(`bearer ${fresh}`)).ok).toBe(true);
    expect(await verifierWith(KEY_3, KEY_2).verify(`Bearer ${old}`)).toEqual({
      ok: false,
      reason: 'invalid_token',
    });
  });

  it.each([
    ['no header', undefined, 'missing_token'],
    ['an empty header', '', 'missing_token'],
    ['another scheme', 'Basic dXNlcjpwYXNz', 'invalid_token'],
    ['garbage', 'Bearer not-a-jwt', 'invalid_token'],
  ])('rejects %s', async (_case, header, reason) => {
    // Act / Assess
    expect(await verifierWith(KEY_1).verify(header)).toEqual({ ok: false, reason });
  });

  it.each([
    ['expired beyond the clock tolerance', { exp: NOW - 31 }, 'expired_token'],
    ['not valid yet', { nbf: NOW + 60 }, 'invalid_token'],
    ['from another issuer', { iss: 'someone-else' }, 'invalid_token'],
    ['for another audience', { aud: 'another-api' }, 'invalid_token'],
    ['without an expiry', { exp: undefined }, 'invalid_token'],
    ['without an email', { email: undefined }, 'invalid_token'],
    ['with a malformed email', { email: 'not-an-email' }, 'invalid_token'],
    ['with a customer id containing #', { sub: 'cust#1' }, 'invalid_token'],
    ['signed with HS512', { alg: 'HS512' as const }, 'invalid_token'],
  ])('rejects a token %s', async (_case, claims, reason) => {
    // Prepare
    const token = await signToken(KEY_1, { now: NOW, ...claims });

    // Act / Assess
    expect(await verifierWith(KEY_1).verify(`Bearer ${token}`)).toEqual({ ok: false, reason });
  });

  it('tolerates a small clock skew', async () => {
    // Prepare
    const token = await signToken(KEY_1, { now: NOW, exp: NOW - 20, nbf: NOW + 20 });

    // Act / Assess
    expect((await verifierWith(KEY_1).verify(`Bearer ${token}`)).ok).toBe(true);
  });

  it('rejects an unsigned token (alg none)', async () => {
    // Prepare
    const [, payload] = (await signToken(KEY_1, { now: NOW })).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');

    // Act / Assess
    expect((await verifierWith(KEY_1).verify(`Bearer ${header}.${payload}.`)).ok).toBe(false);
  });

  it('re-reads the keys once after a mismatch, so a just-rotated key works', async () => {
    // Prepare: the cache still holds KEY_1, the secret already has KEY_2.
    let cached = { current: KEY_1 };
    const refreshKeys = vi.fn(async () => {
      cached = { current: KEY_2 };
      return cached;
    });
    const verifier = createJoseTokenVerifier({
      keys: { current: async () => cached, refresh: refreshKeys },
      issuer: ISSUER,
      audience: AUDIENCE,
      now: () => NOW * 1000,
    });
    // Right after the container started: its first mismatch may refresh at once.
    const token = await signToken(KEY_2, { now: NOW });

    // Act
    const result = await verifier.verify(`Bearer ${token}`);
    const forged = await verifier.verify(`Bearer ${await signToken(KEY_3, { now: NOW })}`);

    // Assess
    expect(result.ok).toBe(true);
    expect(forged.ok).toBe(false);
    expect(refreshKeys).toHaveBeenCalledTimes(1); // the forged token could not force a second
  });

  it('lets a failure to read the keys escape when it never had any (a 500, not a denial)', async () => {
    // Prepare
    const verifier = createJoseTokenVerifier({
      keys: {
        current: async () => {
          throw new Error('Secrets Manager unavailable');
        },
      },
      issuer: ISSUER,
      audience: AUDIENCE,
    });

    // Act / Assess
    await expect(verifier.verify(`Bearer ${await signToken(KEY_1)}`)).rejects.toThrow(
      'Secrets Manager unavailable',
    );
  });

  it('keeps serving the last good keys through a Secrets Manager outage', async () => {
    // Prepare
    let outage = false;
    const read = async () => {
      if (outage) throw new Error('Secrets Manager unavailable');
      return { current: KEY_1 };
    };
    let clock = NOW * 1000;
    const verifier = createJoseTokenVerifier({
      keys: { current: read, refresh: read },
      issuer: ISSUER,
      audience: AUDIENCE,
      now: () => clock,
    });
    const valid = `Bearer ${await signToken(KEY_1, { now: NOW })}`;
    expect((await verifier.verify(valid)).ok).toBe(true);
    outage = true;
    clock += 60_000;

    // Act: a token the cached keys do not verify forces a refresh, which fails; then a valid
    // token arrives.
    const unknown = verifier.verify(`Bearer ${await signToken(KEY_3, { now: NOW })}`);
    await expect(unknown).rejects.toThrow('Secrets Manager unavailable');
    const afterOutage = await verifier.verify(valid);

    // Assess: the unknown token is a 500 (not cached by API Gateway, unlike a 403: it may be
    // signed with a key the secret has and the cache does not); the last good keys still work.
    expect(afterOutage.ok).toBe(true);
  });
});
