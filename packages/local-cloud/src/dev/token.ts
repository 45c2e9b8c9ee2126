import path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SignJWT } from 'jose';
import type { LocalStackModel } from '../provision/model.js';
import { isAlive, readDevState } from './devState.js';

/**
 * Template parameters a token's issuer and audience come from when no `--issuer`/`--audience`
 * is given (a common naming; any other template passes them explicitly).
 */
export const TOKEN_PARAMETERS = { issuer: 'JwtIssuer', audience: 'JwtAudience' } as const;

/** What a token is made of: who it is for, who signs it, how long it lasts. */
export interface TokenOptions {
  /** Logical ID of the secret whose SecretString is the HS256 key (default: the only secret). */
  secret?: string;
  /** `sub` (default `local-user`). */
  subject?: string;
  /** An `email` claim, when given. */
  email?: string;
  /** Default: the `JwtIssuer` template parameter. */
  issuer?: string;
  /** Default: the `JwtAudience` template parameter. */
  audience?: string;
  /** jose duration, e.g. '3600s' or '12h' (default 12h). */
  expiresIn?: string;
}

export const DEFAULT_TOKEN_SUBJECT = 'local-user';
export const DEFAULT_TOKEN_TTL = '12h';

/**
 * Mint an HS256 JWT (`sub`, optional `email`, `iss`, `aud`), signed with `key` as UTF-8 bytes.
 *
 * @example
 * await signToken({ key, issuer: 'my-auth', audience: 'my-api', subject: 'u-1' });
 */
export const signToken = async (options: {
  key: string;
  issuer: string;
  audience: string;
  subject: string;
  email?: string;
  expiresIn?: string;
}): Promise<string> =>
  new SignJWT(options.email === undefined ? {} : { email: options.email })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.subject)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? DEFAULT_TOKEN_TTL)
    .sign(new TextEncoder().encode(options.key));

const stringParameter = (parameters: Record<string, unknown>, name: string) => {
  const value = parameters[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * A token for a provisioned stack, signed with one of its secrets (`options.secret`, the
 * logical ID, is required here: `dev --token-secret <id>`); `undefined` when the stack lacks
 * that secret or an issuer/audience.
 */
export const stackToken = async (
  model: LocalStackModel,
  options: TokenOptions & { secret: string },
): Promise<string | undefined> => {
  const secret = model.secrets.get(options.secret);
  const parameters = Object.fromEntries(model.parameters);
  const issuer = options.issuer ?? stringParameter(parameters, TOKEN_PARAMETERS.issuer);
  const audience = options.audience ?? stringParameter(parameters, TOKEN_PARAMETERS.audience);
  if (secret === undefined || issuer === undefined || audience === undefined) return undefined;
  return signToken({
    key: secret.value,
    issuer,
    audience,
    subject: options.subject ?? DEFAULT_TOKEN_SUBJECT,
    ...(options.email === undefined ? {} : { email: options.email }),
    expiresIn: options.expiresIn ?? DEFAULT_TOKEN_TTL,
  });
};

/**
 * Mint a token against a running `local-cloud dev`: the signing secret's ARN and the Secrets
 * Manager endpoint come from its state file, the key from that endpoint.
 *
 * @example
 * const token = await tokenFromState('node_modules/.cache/local-cloud/dev.json', { subject: 'u-1' });
 */
export const tokenFromState = async (
  stateFile: string,
  options: TokenOptions = {},
): Promise<string> => {
  const state = await readDevState(stateFile);
  if (state === undefined || !isAlive(state.pid))
    throw new Error(
      `no running local cloud found (${path.relative(process.cwd(), stateFile) || stateFile}${state ? `: pid ${state.pid} has ended` : ''}); start it with: pnpm dev`,
    );
  const secretIds = Object.keys(state.secrets);
  const secretId = options.secret ?? (secretIds.length === 1 ? secretIds[0] : undefined);
  const secret = secretId === undefined ? undefined : state.secrets[secretId];
  if (secret === undefined)
    throw new Error(
      secretId === undefined && secretIds.length > 1
        ? `the running stack has ${secretIds.length} secrets; give --secret <logical id> (${secretIds.join(', ')})`
        : `the running stack has no secret ${secretId ?? ''}; give --secret <logical id> (${secretIds.join(', ') || 'it has none'})`,
    );
  const issuer = options.issuer ?? stringParameter(state.parameters, TOKEN_PARAMETERS.issuer);
  const audience = options.audience ?? stringParameter(state.parameters, TOKEN_PARAMETERS.audience);
  if (issuer === undefined || audience === undefined)
    throw new Error(
      `the running stack has no ${TOKEN_PARAMETERS.issuer}/${TOKEN_PARAMETERS.audience} parameters; give --issuer and --audience`,
    );
  const client = new SecretsManagerClient({
    region: state.backends.region,
    endpoint: state.backends.endpoints.secretsManager,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secret.arn }));
    if (!SecretString) throw new Error(`secret ${secretId} has no SecretString`);
    return await signToken({
      key: SecretString,
      issuer,
      audience,
      subject: options.subject ?? DEFAULT_TOKEN_SUBJECT,
      ...(options.email === undefined ? {} : { email: options.email }),
      expiresIn: options.expiresIn ?? DEFAULT_TOKEN_TTL,
    });
  } finally {
    client.destroy();
  }
};
