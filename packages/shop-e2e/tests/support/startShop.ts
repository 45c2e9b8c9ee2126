import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import {
  type LocalCloud,
  type LocalCloudDescriptor,
  loadTemplate,
  startLocalCloud,
} from '@shop/local-cloud/cloud';
import { DEMO_ORDER } from '../../src/demo.js';
import { mintToken } from '../../src/token.js';
import { type Invocation, invocationLog } from './invocationLog.js';

const packageDir = path.resolve(import.meta.dirname, '../..');
const repoRoot = path.resolve(packageDir, '../..');

/**
 * The repository's template.yaml; SHOP_E2E_TEMPLATE points the suite at another copy (its
 * CodeUri paths are relative to its own folder).
 */
const templatePath = process.env.SHOP_E2E_TEMPLATE ?? path.join(repoRoot, 'template.yaml');

/** A running shop: the local cloud, a customer's token and the calls a client makes. */
export interface Shop {
  cloud: LocalCloud;
  described: LocalCloudDescriptor;
  /** Every invocation the runner finished, in order (REPORT lines). */
  invocations: Invocation[];
  customer: { id: string; email: string };
  /** A request to the HTTP API with the customer's token. */
  api(route: string, init?: RequestInit): Promise<Response>;
  /** POST /orders with the demo order and this Idempotency-Key (a fresh one by default). */
  placeOrder(idempotencyKey?: string): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * Start the whole shop from the repository's template.yaml with the services' built bundles,
 * in this worker: embedded backends (or AWS_ENDPOINT_URL, e.g. moto_server, behind the fault
 * proxy), every function and trigger, the API on a free port. Local shortcuts keep the suite
 * fast without changing what is delivered: failed SQS messages come back after 1 s, batching
 * windows are capped at 1 s, asynchronous retries wait 0.5 s and 1 s, stream retries 0.5 s.
 * The runner's output goes to reports/<name>.log.
 */
export const startShop = async (name: string): Promise<Shop> => {
  const log = invocationLog(path.join(packageDir, 'reports', `${name}.log`));
  const external = process.env.AWS_ENDPOINT_URL;
  const stackName = `${name}-${Date.now().toString(36)}`;
  // Bucket names derive from a prefix parameter where the template has one: unique per run,
  // so runs sharing one backend (moto in CI) never share a bucket.
  const { Parameters = {} } = await loadTemplate(templatePath);
  const cloud = await startLocalCloud({
    templatePath,
    ...(external ? { externalEndpoint: external } : {}),
    ...('BucketNamePrefix' in Parameters
      ? { parameterOverrides: { BucketNamePrefix: `e2e-${randomUUID().slice(0, 12)}` } }
      : {}),
    stackName,
    port: 0,
    log,
    sqsRetryDelaySeconds: 1,
    sqsWaitTimeSeconds: 1,
    maxBatchingWindowSeconds: 1,
    asyncRetryDelaysMs: [500, 1_000],
    streamPollIntervalMs: 200,
    streamRetryDelayMs: 500,
  });
  const described = cloud.describe();
  const customer = { id: `${name}-${randomUUID().slice(0, 8)}`, email: `${name}@example.com` };
  // Minted as a client of the deployed stack would: the key from Secrets Manager, the
  // issuer and audience the template's parameters set.
  const secret = await cloud.clients.secretsManager.send(
    new GetSecretValueCommand({ SecretId: described.secrets.SigningKeySecret?.arn }),
  );
  const token = await mintToken({
    key: secret.SecretString ?? '',
    issuer: String(described.parameters.JwtIssuer),
    audience: String(described.parameters.JwtAudience),
    customerId: customer.id,
    email: customer.email,
  });
  const api = (route: string, init: RequestInit = {}) =>
    fetch(`${described.apiUrl}${route}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        ...init.headers,
      },
    });
  return {
    cloud,
    described,
    invocations: log.invocations,
    customer,
    api,
    placeOrder: (idempotencyKey = randomUUID()) =>
      api('/orders', {
        method: 'POST',
        headers: { 'idempotency-key': idempotencyKey },
        body: JSON.stringify(DEMO_ORDER),
      }),
    stop: () => cloud.stop(),
  };
};
