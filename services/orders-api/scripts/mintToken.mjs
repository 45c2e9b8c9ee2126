#!/usr/bin/env node
// Mint an HS256 JWT that AuthorizerFunction accepts, for the local system or a deployed stack.
//
//   pnpm run token -- --customer c-123 --email ada@example.com [--secret-id <id|arn>]
//
// (`pnpm run token`, not `pnpm token`: pnpm 10 passes a bare `pnpm token` through to
// `npm token`.)
//
// The signing key comes from, in this order: --secret-value, the SIGNING_KEY variable,
// Secrets Manager (--secret-id or SIGNING_SECRET_ID; AWS credentials, region and
// AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_SECRETS_MANAGER as the AWS SDK reads them), or else the
// running `pnpm dev`: its state file (node_modules/.cache/local-cloud/dev.json, found upwards
// from the working directory, or --state) names the secret, the Secrets Manager endpoint and
// the JwtIssuer/JwtAudience parameters. The token is the only thing written to stdout, so
// `TOKEN=$(pnpm -s run token -- ...)` works.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SignJWT } from 'jose';

const USAGE = `Usage: pnpm run token -- --customer <id> --email <address> [options]

Options:
  --secret-id <id>      Secrets Manager secret (name or ARN) holding the signing key
                        (default: $SIGNING_SECRET_ID)
  --secret-value <key>  the signing key itself (default: $SIGNING_KEY)
  --issuer <iss>        default: $JWT_ISSUER or shop-auth
  --audience <aud>      default: $JWT_AUDIENCE or shop-orders-api
  --ttl <seconds>       lifetime, default 3600
  --region <region>     AWS region for Secrets Manager (default: the SDK's own resolution)
  --state <file>        a running pnpm dev's state file (default: found upwards from here,
                        node_modules/.cache/local-cloud/dev.json); used when no key is given
  --help`;

// Mirrors CUSTOMER_ID_PATTERN in @shop/contracts/authorizerContext (the authorizer rejects others).
const CUSTOMER_ID = /^[A-Za-z0-9][A-Za-z0-9._:@|-]{0,127}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const fail = (message) => {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
};

const STATE_FILE = path.join('node_modules', '.cache', 'local-cloud', 'dev.json');

/** The running local cloud's state file, upwards from `dir`. */
const findStateFile = (dir) => {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const candidate = path.join(current, STATE_FILE);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(current) === current) return undefined;
  }
};

const isAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
};

/** Where the running `pnpm dev` keeps the signing key, its issuer and audience. */
export const localCloudSource = (stateFile) => {
  const state = JSON.parse(readFileSync(stateFile, 'utf8'));
  if (typeof state.pid === 'number' && !isAlive(state.pid))
    throw new Error(
      `${stateFile} is from a pnpm dev that has ended (pid ${state.pid}); start it: pnpm dev`,
    );
  const secret = state.secrets?.SigningKeySecret;
  const endpoint = state.backends?.endpoints?.secretsManager;
  if (!secret || !endpoint)
    throw new Error(`${stateFile} names no SigningKeySecret or Secrets Manager endpoint`);
  const parameter = (name) =>
    typeof state.parameters?.[name] === 'string' ? state.parameters[name] : undefined;
  return {
    secretId: secret.arn,
    client: {
      region: state.backends.region ?? state.region,
      endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    },
    issuer: parameter('JwtIssuer'),
    audience: parameter('JwtAudience'),
  };
};

const readKey = async (values, env, local) => {
  if (values['secret-value']) return values['secret-value'];
  if (env.SIGNING_KEY) return env.SIGNING_KEY;
  const secretId = values['secret-id'] ?? env.SIGNING_SECRET_ID ?? local?.secretId;
  if (!secretId)
    fail('No signing key: start pnpm dev, or give --secret-id, --secret-value or SIGNING_KEY.');
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const fromState = !values['secret-id'] && !env.SIGNING_SECRET_ID;
  const client = new SecretsManagerClient(fromState ? local.client : region ? { region } : {});
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error('the secret has no SecretString');
    return SecretString;
  } finally {
    client.destroy();
  }
};

export const mintToken = async ({ key, customerId, email, issuer, audience, ttlSeconds, now }) =>
  new SignJWT({ email })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(customerId)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(new TextEncoder().encode(key));

const main = async (argv, env) => {
  const { values } = parseArgs({
    args: argv.filter((arg, index) => !(index === 0 && arg === '--')),
    options: {
      customer: { type: 'string' },
      email: { type: 'string' },
      'secret-id': { type: 'string' },
      'secret-value': { type: 'string' },
      issuer: { type: 'string' },
      audience: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
      region: { type: 'string' },
      state: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!values.customer) fail('--customer <id> is required: the customer the token is for.');
  if (!CUSTOMER_ID.test(values.customer)) {
    fail('--customer must be 1-128 characters: letters, digits and . _ : @ | - (no #).');
  }
  if (!values.email) fail("--email <address> is required: the customer's email address.");
  if (!EMAIL.test(values.email)) fail('--email must be an email address.');
  const ttlSeconds = Number(values.ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) fail('--ttl must be a positive integer.');

  // A running pnpm dev is the default source, when no key or secret is given.
  const explicit =
    values['secret-value'] || env.SIGNING_KEY || values['secret-id'] || env.SIGNING_SECRET_ID;
  const stateFile = explicit ? undefined : (values.state ?? findStateFile(process.cwd()));
  if (!explicit && values.state === undefined && stateFile === undefined)
    fail('No signing key: start pnpm dev, or give --secret-id, --secret-value or SIGNING_KEY.');
  const local = stateFile ? localCloudSource(stateFile) : undefined;
  const token = await mintToken({
    key: await readKey(values, env, local),
    customerId: values.customer,
    email: values.email,
    issuer: values.issuer ?? env.JWT_ISSUER ?? local?.issuer ?? 'shop-auth',
    audience: values.audience ?? env.JWT_AUDIENCE ?? local?.audience ?? 'shop-orders-api',
    ttlSeconds,
    now: Math.floor(Date.now() / 1000),
  });
  process.stdout.write(`${token}\n`);
};

const isMain =
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;

if (isMain) {
  main(process.argv.slice(2), process.env).catch((error) => {
    process.stderr.write(`token: ${error.message}\n`);
    process.exit(1);
  });
}
