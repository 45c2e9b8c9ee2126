import path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SignJWT } from 'jose';
import type { LocalStackModel } from '../provision/model.js';
import { isAlive, readDevState } from './devState.js';

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

/** Options of `local-cloud token`; unset ones come from {@link DEFAULT_DEMO_TOKEN} and the state. */
export interface StateTokenOptions {
  customerId?: string;
  email?: string;
  /** Logical ID of the signing secret (default: SigningKeySecret, or the stack's only secret). */
  secret?: string;
  issuer?: string;
  audience?: string;
  expiresIn?: string;
}

/**
 * Mint a token against a running `local-cloud dev`: the signing secret's ARN and the Secrets
 * Manager endpoint come from its state file, the key from that endpoint.
 *
 * @example
 * const token = await tokenFromState('node_modules/.cache/local-cloud/dev.json', { customerId: 'c-1' });
 */
export const tokenFromState = async (
  stateFile: string,
  options: StateTokenOptions = {},
): Promise<string> => {
  const state = await readDevState(stateFile);
  if (state === undefined || !isAlive(state.pid))
    throw new Error(
      `no running local cloud found (${path.relative(process.cwd(), stateFile) || stateFile}${state ? `: pid ${state.pid} has ended` : ''}); start it with: pnpm dev`,
    );
  const secrets = Object.entries(state.secrets);
  const secretId =
    options.secret ??
    (state.secrets[DEFAULT_DEMO_TOKEN.secret] || secrets.length !== 1
      ? DEFAULT_DEMO_TOKEN.secret
      : secrets[0]?.[0]);
  const secret = secretId === undefined ? undefined : state.secrets[secretId];
  if (secret === undefined)
    throw new Error(
      `the running stack has no secret ${secretId}; give --secret <logical id> (${secrets.map(([id]) => id).join(', ') || 'it has none'})`,
    );
  const parameter = (name: string) => {
    const value = state.parameters[name];
    return typeof value === 'string' ? value : undefined;
  };
  const issuer = options.issuer ?? parameter(DEFAULT_DEMO_TOKEN.issuerParameter);
  const audience = options.audience ?? parameter(DEFAULT_DEMO_TOKEN.audienceParameter);
  if (issuer === undefined || audience === undefined)
    throw new Error(
      `the running stack has no ${DEFAULT_DEMO_TOKEN.issuerParameter}/${DEFAULT_DEMO_TOKEN.audienceParameter} parameters; give --issuer and --audience`,
    );
  const client = new SecretsManagerClient({
    region: state.backends.region,
    endpoint: state.backends.endpoints.secretsManager,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secret.arn }));
    if (!SecretString) throw new Error(`secret ${secretId} has no SecretString`);
    return await mintToken({
      key: SecretString,
      issuer,
      audience,
      customerId: options.customerId ?? DEFAULT_DEMO_TOKEN.customerId,
      email: options.email ?? DEFAULT_DEMO_TOKEN.email,
      expiresIn: options.expiresIn ?? DEFAULT_DEMO_TOKEN.expiresIn,
    });
  } finally {
    client.destroy();
  }
};
