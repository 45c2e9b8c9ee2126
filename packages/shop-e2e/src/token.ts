import { SignJWT } from 'jose';

/** The customer `pnpm demo` places its order as. */
export const DEMO_CUSTOMER = { id: 'demo-customer', email: 'demo.customer@example.com' } as const;

/**
 * Mint an HS256 customer token the shop's AuthorizerFunction accepts (`sub` = customer id,
 * `email`), signed with the signing secret's value as UTF-8 bytes.
 *
 * @example
 * await mintToken({ key, issuer: 'shop-auth', audience: 'shop-orders-api', customerId: 'c-1', email: 'c@example.com' });
 */
export const mintToken = async (options: {
  key: string;
  issuer: string;
  audience: string;
  customerId: string;
  email: string;
  expiresIn?: string;
}): Promise<string> =>
  new SignJWT({ email: options.email })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.customerId)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h')
    .sign(new TextEncoder().encode(options.key));
