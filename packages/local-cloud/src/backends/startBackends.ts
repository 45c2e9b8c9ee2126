import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sesLocalModule from 'aws-ses-v2-local';
import dynalite from 'dynalite';
import { startFauxqs } from 'fauxqs';
import { readMotoMessages, readSesLocalStore } from './mailbox.js';
import { SecretsManagerServer } from './SecretsManagerServer.js';
import type { Backends, Endpoints } from './types.js';

// aws-ses-v2-local is CommonJS with `exports.default`; Node's ESM loader hands us
// `module.exports`, a bundler or test runner may hand us the function itself.
const sesLocal: typeof sesLocalModule.default =
  typeof sesLocalModule === 'function' ? sesLocalModule : sesLocalModule.default;

/** Options for {@link startBackends}. */
export interface StartBackendsOptions {
  /**
   * Use this AWS-compatible endpoint for every service and start nothing (e.g. `moto_server`,
   * LocalStack). Defaults to nothing: start the embedded backends.
   */
  externalEndpoint?: string;
  region?: string;
  /** Interface the embedded backends bind to. Loopback only, by default. */
  host?: string;
}

const listen = async (server: Server, host: string): Promise<string> => {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  return `http://${host}:${(server.address() as AddressInfo).port}`;
};

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/** The variables that point the AWS SDKs (and the AWS CLI) at a set of endpoints. */
export const endpointEnv = (endpoints: Endpoints, region: string): Record<string, string> => ({
  AWS_REGION: region,
  AWS_DEFAULT_REGION: region,
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
  AWS_ENDPOINT_URL_SQS: endpoints.sqs,
  AWS_ENDPOINT_URL_S3: endpoints.s3,
  AWS_ENDPOINT_URL_SESV2: endpoints.ses,
  AWS_ENDPOINT_URL_SES: endpoints.ses,
  AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManager,
});

const external = (endpoint: string, region: string): Backends => {
  const base = endpoint.replace(/\/+$/, '');
  const endpoints: Endpoints = {
    dynamodb: base,
    sqs: base,
    s3: base,
    ses: base,
    secretsManager: base,
  };
  return {
    mode: 'external',
    region,
    endpoints,
    env: endpointEnv(endpoints, region),
    sentEmails: () => readMotoMessages(base),
    stop: async () => undefined,
  };
};

/**
 * Start the embedded local AWS backends on free loopback ports: dynalite (DynamoDB), fauxqs
 * (SQS and S3), aws-ses-v2-local (SES v2) and an in-process Secrets Manager. All in memory,
 * ready in well under a second. With `externalEndpoint`, start nothing and use that.
 *
 * @example
 * const backends = await startBackends();
 * const sqs = new SQSClient({ region: backends.region, endpoint: backends.endpoints.sqs });
 * await backends.stop();
 */
export const startBackends = async (options: StartBackendsOptions = {}): Promise<Backends> => {
  const region = options.region ?? 'us-east-1';
  if (options.externalEndpoint) return external(options.externalEndpoint, region);
  const host = options.host ?? '127.0.0.1';

  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const secretsManager = new SecretsManagerServer(region);
  const [dynamodb, fauxqs, sesServer, secrets] = await Promise.all([
    listen(dynamo, host),
    startFauxqs({ port: 0, host, logger: false, defaultRegion: region, messageSpies: true }),
    sesLocal({ host, port: 0 }),
    secretsManager.start(0, host),
  ]);
  const sqsS3 = `http://${host}:${fauxqs.port}`;
  const ses = `http://${host}:${(sesServer.address() as AddressInfo).port}`;
  const endpoints: Endpoints = { dynamodb, sqs: sqsS3, s3: sqsS3, ses, secretsManager: secrets };

  return {
    mode: 'embedded',
    region,
    endpoints,
    env: endpointEnv(endpoints, region),
    sentEmails: () => readSesLocalStore(ses),
    async stop() {
      await Promise.all([close(dynamo), fauxqs.stop(), secretsManager.stop(), close(sesServer)]);
    },
  };
};
