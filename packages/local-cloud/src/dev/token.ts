import { SignJWT } from 'jose';
import type { LocalStackModel } from '../provision/model.js';

/** Which secret and parameters make the demo customer's token. */
export interface DemoTokenSettings {
  /** Logical ID of the HS256 signing key secret. */
  secret: string;
  issuerParameter: string;
  audienceParameter: string;
  customerId: string;
  email: string;
  /** jose duration, e.g. '12h'. */
  expiresIn: string;
}

export const DEFAULT_DEMO_TOKEN: DemoTokenSettings = {
  secret: 'SigningKeySecret',
  issuerParameter: 'JwtIssuer',
  audienceParameter: 'JwtAudience',
  customerId: 'demo-customer',
  email: 'demo.customer@example.com',
  expiresIn: '12h',
};

/**
 * Mint an HS256 customer token (`sub` = customer id, `email`), signed with the secret's
 * value as UTF-8 bytes.
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

/** The demo customer's token for a provisioned stack, if it has the secret and parameters. */
export const demoToken = async (
  model: LocalStackModel,
  settings: DemoTokenSettings = DEFAULT_DEMO_TOKEN,
): Promise<string | undefined> => {
  const secret = model.secrets.get(settings.secret);
  const issuer = model.parameters.get(settings.issuerParameter);
  const audience = model.parameters.get(settings.audienceParameter);
  if (secret === undefined || typeof issuer !== 'string' || typeof audience !== 'string')
    return undefined;
  return mintToken({
    key: secret.value,
    issuer,
    audience,
    customerId: settings.customerId,
    email: settings.email,
    expiresIn: settings.expiresIn,
  });
};
