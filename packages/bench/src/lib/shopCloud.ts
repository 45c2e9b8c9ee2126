// The shop as `pnpm dev` runs it (template.yaml through @shop/local-cloud), started on free
// loopback ports for one benchmark run, plus what the sections need from it: each function's
// environment as Lambda would build it, a customer token, the sample events.
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import {
  consoleLog,
  functionEnvironment,
  type LocalCloud,
  type LocalStackModel,
  memoryLog,
  startLocalCloud,
} from '@shop/local-cloud/cloud';
import { DEMO_ORDER, mintToken } from '@shop/shop-e2e';
import { repoRoot } from '../bundleSizes.ts';

export type FunctionModel = LocalStackModel['functions'] extends Map<string, infer F> ? F : never;

export const resultsDir = path.join(repoRoot, 'packages', 'bench', 'results');

/** A customer of the benchmark: the sample events' customer, so their orders match. */
export const CUSTOMER = { id: 'cust-7f3a9c', email: 'ada@example.com' };

/** Which shop to boot: this checkout's (the default) or another one's template and build. */
export interface ShopOptions {
  templatePath?: string;
  stackName?: string;
  /** File name under results/ for the runner's and the functions' output. */
  logName?: string;
  /** Most environments per function (local-cloud's `--concurrency`; default its own, 10). */
  concurrency?: number;
}

/**
 * Boot the shop on free ports. Function output and the runner's messages go to
 * results/local-cloud.log, not the terminal.
 */
export const startShop = async (
  maxBatchingWindowSeconds?: number,
  shop: ShopOptions = {},
): Promise<LocalCloud> => {
  mkdirSync(resultsDir, { recursive: true });
  const logFile = path.join(resultsDir, shop.logName ?? 'local-cloud.log');
  writeFileSync(logFile, '');
  // Buffered: a synchronous write per log line would slow the runner being measured.
  const stream = createWriteStream(logFile, { flags: 'a' });
  const log = consoleLog({ write: (text) => stream.write(text), batched: true });
  const cloud = await startLocalCloud({
    templatePath: shop.templatePath ?? path.join(repoRoot, 'template.yaml'),
    stackName: shop.stackName ?? 'shop-bench',
    port: 0,
    host: '127.0.0.1',
    backendPorts: {},
    log,
    ...(maxBatchingWindowSeconds === undefined ? {} : { maxBatchingWindowSeconds }),
    ...(shop.concurrency === undefined ? {} : { concurrency: shop.concurrency }),
  });
  const stop = cloud.stop;
  cloud.stop = async () => {
    await stop();
    log.flush();
    await new Promise((resolve) => stream.end(resolve));
  };
  return cloud;
};

/**
 * A function's environment as Lambda (and local-cloud's runner) builds it: the runtime's own
 * variables, the backends' endpoints, dummy credentials, then the template's variables. The
 * benchmark children talk to no Runtime API, so its address is left out.
 */
export const lambdaEnvironment = (
  fn: FunctionModel,
  backendEnv: Readonly<Record<string, string>>,
): Record<string, string> => {
  const { AWS_LAMBDA_RUNTIME_API: _none, ...env } = functionEnvironment(
    fn,
    '',
    backendEnv,
    memoryLog(),
    fn.codeDir,
  );
  return env;
};

/** A token for {@link CUSTOMER}, signed with the stack's signing key. */
export const customerToken = async (cloud: LocalCloud): Promise<string> => {
  const secret = cloud.model.secrets.get('SigningKeySecret');
  if (secret === undefined) throw new Error('template.yaml has no SigningKeySecret');
  return mintToken({
    key: secret.value,
    issuer: String(cloud.model.parameters.get('JwtIssuer')),
    audience: String(cloud.model.parameters.get('JwtAudience')),
    customerId: CUSTOMER.id,
    email: CUSTOMER.email,
  });
};

/** One of the repository's sample events (events/<service>/<name>.json), parsed. */
export const sampleEvent = async (service: string, name: string): Promise<unknown> =>
  JSON.parse(await readFile(path.join(repoRoot, 'events', service, `${name}.json`), 'utf8'));

const { note: _demoNote, ...orderWithoutNote } = DEMO_ORDER;
/** A valid POST /orders body: the demo's order, without its note. */
export const ORDER_BODY = orderWithoutNote;

/**
 * Wait (bounded) until the queues that feed functions are empty and nothing is in flight,
 * twice, a stream batching window apart: stream records (OrdersTable -> publisher) wait out
 * their window before they become messages on a queue.
 */
export const drainQueues = async (cloud: LocalCloud, timeoutMs = 60_000): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  const streamWindowMs =
    Math.max(0, ...cloud.model.streamMappings.map((m) => m.maximumBatchingWindowSeconds)) * 1000;
  let quietSince: number | undefined;
  const urls = cloud.model.sqsMappings
    .map((mapping) => cloud.model.queues.get(mapping.queueId)?.url)
    .filter((url): url is string => url !== undefined);
  while (Date.now() < deadline) {
    await cloud.idle();
    let pending = 0;
    for (const url of urls) {
      const { Attributes = {} } = await cloud.clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      pending +=
        Number(Attributes.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    }
    if (pending > 0) quietSince = undefined;
    else if (quietSince === undefined) quietSince = Date.now();
    else if (Date.now() - quietSince > streamWindowMs) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
};

/**
 * Stop the shop. A request still in flight to the embedded DynamoDB when it closes makes
 * dynalite throw "Database is closed" from a callback (an uncaught exception); after the
 * queues are drained that is only a late write of a stopping function, so it is ignored
 * while stopping.
 */
export const stopShop = async (cloud: LocalCloud): Promise<void> => {
  const ignoreClosedDb = (error: Error) => {
    if (error.message !== 'Database is closed') throw error;
  };
  process.on('uncaughtException', ignoreClosedDb);
  try {
    await cloud.stop();
    // Late callbacks arrive on the next turns of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    process.off('uncaughtException', ignoreClosedDb);
  }
};
