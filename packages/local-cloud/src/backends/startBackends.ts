/// <reference path="../types/dynalite.d.ts" />
import type { Server } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import sesLocalModule from 'aws-ses-v2-local';
import dynalite from 'dynalite';
import { startFauxqs } from 'fauxqs';
import { FaultSet } from '../faults/FaultSet.js';
import { localFaults } from '../faults/FaultsClient.js';
import { FAULT_CONTROL_PATH } from '../faults/faultControl.js';
import type { FaultRuleInput } from '../faults/types.js';
import { BackendProxy } from './BackendProxy.js';
import { DynamoDBStreamsInterceptor } from './dynamoStreams/DynamoDBStreamsInterceptor.js';
import { StreamStore } from './dynamoStreams/StreamStore.js';
import { readMotoMessages, readSesLocalStore } from './mailbox.js';
import { S3ChangeObserver } from './S3ChangeObserver.js';
import { SecretsManagerServer } from './SecretsManagerServer.js';
import type { Backends, Endpoints } from './types.js';

// aws-ses-v2-local is CommonJS with `exports.default`; Node's ESM loader hands us
// `module.exports`, a bundler or test runner may hand us the function itself.
const sesLocal: typeof sesLocalModule.default =
  typeof sesLocalModule === 'function' ? sesLocalModule : sesLocalModule.default;

/** Ports for the embedded backends (0 or absent: a free port). */
export interface BackendPorts {
  /** fauxqs serves SQS and S3 on one port. */
  sqsS3?: number;
  dynamodb?: number;
  ses?: number;
  secretsManager?: number;
}

/** Options for {@link startBackends}. */
export interface StartBackendsOptions {
  /** Fixed ports (e.g. for `pnpm dev`); tests leave them free. */
  ports?: BackendPorts;
  /**
   * Use this AWS-compatible endpoint for every service and start nothing (e.g. `moto_server`,
   * LocalStack). Defaults to nothing: start the embedded backends.
   */
  externalEndpoint?: string;
  region?: string;
  /** Interface the embedded backends bind to. Loopback only, by default. */
  host?: string;
  /** Fault rules in force from the start (more can be added through `faults`). */
  faults?: FaultRuleInput[];
  /**
   * With `externalEndpoint`: put the fault proxy in front of it (default), so fault rules
   * apply there too. `false` hands out the endpoint itself, and `faults` is absent.
   */
  faultProxy?: boolean;
}

/** A backend's port is taken: says which and how to choose others. */
export class BackendPortInUseError extends Error {
  constructor(backend: string, port: number, options?: ErrorOptions) {
    super(
      `${backend} cannot listen on port ${port}: it is already in use. Choose other ports with --backend-port <base> (or --backend-port 0 for free ports).`,
      options,
    );
    this.name = 'BackendPortInUseError';
  }
}

const portError = (backend: string, port: number) => (error: unknown) => {
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' || /EADDRINUSE/.test(String(error))) {
    throw new BackendPortInUseError(backend, port, { cause: error });
  }
  throw error;
};

// Checked up front: not every backend reports a taken port as a rejected promise
// (aws-ses-v2-local would crash the process with an unhandled 'error' event).
const ensurePortFree = async (backend: string, port: number | undefined, host: string) => {
  if (!port) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(port, host, () => probe.close(() => resolve()));
  }).catch(portError(backend, port));
};

const listen = async (server: Server, host: string, port = 0): Promise<string> => {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
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

const external = async (
  endpoint: string,
  region: string,
  options: StartBackendsOptions,
): Promise<Backends> => {
  const target = endpoint.replace(/\/+$/, '');
  const set = new FaultSet(options.faults);
  const proxy = options.faultProxy === false ? undefined : new BackendProxy(target, set);
  const base = proxy ? await proxy.listen(0, '127.0.0.1') : target;
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
    ...(proxy ? { faults: localFaults(set, `${base}${FAULT_CONTROL_PATH}`) } : {}),
    upstream: target,
    sentEmails: () => readMotoMessages(base),
    stop: async () => {
      await proxy?.close();
    },
  };
};

/**
 * Start the embedded local AWS backends on free loopback ports: dynalite (DynamoDB, with
 * DynamoDB Streams added by the proxy in front of it), fauxqs
 * (SQS and S3), aws-ses-v2-local (SES v2) and an in-process Secrets Manager. All in memory,
 * ready in well under a second. Each listens on a private loopback port behind a
 * {@link BackendProxy} on the public one, which applies fault rules (`backends.faults`).
 * With `externalEndpoint`, start nothing and put one such proxy in front of that.
 *
 * @example
 * const backends = await startBackends();
 * const sqs = new SQSClient({ region: backends.region, endpoint: backends.endpoints.sqs });
 * await backends.stop();
 */
export const startBackends = async (options: StartBackendsOptions = {}): Promise<Backends> => {
  const region = options.region ?? 'us-east-1';
  if (options.externalEndpoint) return external(options.externalEndpoint, region, options);
  const host = options.host ?? '127.0.0.1';

  const ports = options.ports ?? {};
  await ensurePortFree('SQS/S3 (fauxqs)', ports.sqsS3, host);
  await ensurePortFree('DynamoDB (dynalite)', ports.dynamodb, host);
  await ensurePortFree('SES (aws-ses-v2-local)', ports.ses, host);
  await ensurePortFree('Secrets Manager', ports.secretsManager, host);
  const faults = new FaultSet(options.faults);
  // Every backend listens on a private loopback port; clients reach it through its proxy
  // (the one seam: faults for all, DynamoDB Streams for dynalite).
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const secretsManager = new SecretsManagerServer(region);
  const [dynamoUrl, fauxqs, sesServer, secretsUrl] = await Promise.all([
    listen(dynamo, '127.0.0.1'),
    // `host` shapes fauxqs's queue URLs: an IP address gives http://<host>:<port of the Host
    // header>/<account>/<name> (patches/fauxqs@2.4.1.patch), the origin of the SQS endpoint
    // (the proxy), as a queue URL has on AWS and the SDK expects.
    startFauxqs({
      port: 0,
      host,
      logger: false,
      defaultRegion: region,
    }),
    sesLocal({ host: '127.0.0.1', port: 0 }),
    secretsManager.start(0, '127.0.0.1'),
  ]);
  const sesUrl = `http://127.0.0.1:${(sesServer.address() as AddressInfo).port}`;
  // S3 object changes (the runner's S3 notifications) are read off the requests passing
  // through the S3 port's proxy: no hook into fauxqs's internals.
  const s3Changes = new S3ChangeObserver();
  const proxies = {
    dynamodb: new BackendProxy(dynamoUrl, faults, {
      interceptor: new DynamoDBStreamsInterceptor(new StreamStore(region)),
      embedded: dynamo,
    }),
    sqsS3: new BackendProxy(`http://127.0.0.1:${fauxqs.port}`, faults, { observer: s3Changes }),
    ses: new BackendProxy(sesUrl, faults, { embedded: sesServer }),
    secretsManager: new BackendProxy(secretsUrl, faults),
  };
  const publicUrls = await Promise.allSettled([
    proxies.dynamodb
      .listen(ports.dynamodb ?? 0, host)
      .catch(portError('DynamoDB (dynalite)', ports.dynamodb ?? 0)),
    proxies.sqsS3
      .listen(ports.sqsS3 ?? 0, host)
      .catch(portError('SQS/S3 (fauxqs)', ports.sqsS3 ?? 0)),
    proxies.ses
      .listen(ports.ses ?? 0, host)
      .catch(portError('SES (aws-ses-v2-local)', ports.ses ?? 0)),
    proxies.secretsManager
      .listen(ports.secretsManager ?? 0, host)
      .catch(portError('Secrets Manager', ports.secretsManager ?? 0)),
  ]);
  const stopAll = async () => {
    await Promise.all(Object.values(proxies).map((proxy) => proxy.close()));
    await Promise.all([close(dynamo), fauxqs.stop(), secretsManager.stop(), close(sesServer)]);
  };
  const failed = publicUrls.find((result) => result.status === 'rejected');
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  const [dynamodb, sqsS3, ses, secrets] = publicUrls.map(
    (result) => (result as PromiseFulfilledResult<string>).value,
  ) as [string, string, string, string];
  const endpoints: Endpoints = { dynamodb, sqs: sqsS3, s3: sqsS3, ses, secretsManager: secrets };

  return {
    mode: 'embedded',
    region,
    endpoints,
    env: endpointEnv(endpoints, region),
    sentEmails: () => readSesLocalStore(ses),
    faults: localFaults(faults, `${dynamodb}${FAULT_CONTROL_PATH}`),
    watchS3: (listener) => s3Changes.watch(listener),
    stop: stopAll,
  };
};
