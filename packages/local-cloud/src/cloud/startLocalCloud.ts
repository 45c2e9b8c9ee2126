import path from 'node:path';
import { type BackendsDescriptor, describeBackends } from '../backends/connect.js';
import { type BackendPorts, startBackends } from '../backends/startBackends.js';
import type { Backends } from '../backends/types.js';
import { type BackendClients, backendClients } from '../clients.js';
import type { FaultRuleInput } from '../faults/types.js';
import { bootstrapCommand } from '../lambda/bootstrapPath.js';
import { FunctionPool } from '../lambda/FunctionPool.js';
import type { V8Tiering } from '../lambda/nodeArgs.js';
import type { RunnerLog, RuntimeCommand } from '../lambda/types.js';
import type { LocalStackModel } from '../provision/model.js';
import { provisionStack } from '../provision/provisionStack.js';
import { loadTemplate } from '../template/parseTemplate.js';
import { Stack } from '../template/Stack.js';
import { StreamPoller } from '../triggers/dynamodb/StreamPoller.js';
import { EventBus } from '../triggers/eventbridge/EventBus.js';
import { Scheduler } from '../triggers/eventbridge/Scheduler.js';
import { HttpApiServer } from '../triggers/http/HttpApiServer.js';
import { S3Notifier } from '../triggers/s3/S3Notifier.js';
import {
  EmbeddedS3ChangeFeed,
  QueueS3ChangeFeed,
  type S3ChangeFeed,
} from '../triggers/s3/s3ChangeFeeds.js';
import { createSequencer } from '../triggers/s3/s3Events.js';
import { SqsPoller } from '../triggers/sqs/SqsPoller.js';

/** Options for {@link startLocalCloud}. */
export interface LocalCloudOptions {
  /** Path of template.yaml; CodeUri paths are relative to its folder. */
  templatePath: string;
  parameterOverrides?: Record<string, string>;
  stackName?: string;
  region?: string;
  accountId?: string;
  /** Backends started by the caller (not stopped by `stop()`). */
  backends?: Backends;
  /** Use this AWS-compatible endpoint (moto_server, LocalStack) instead of embedded backends. */
  externalEndpoint?: string;
  backendPorts?: BackendPorts;
  /** Fault rules in force from the start (e.g. `pnpm dev --faults <file>`). */
  faults?: FaultRuleInput[];
  /** Port of the (first) HTTP API; further APIs take the next ports. 0 = free ports. */
  port?: number;
  host?: string;
  /** Where runner messages and function output go (the CLI's `consoleLog`, a test's `memoryLog`). */
  log: RunnerLog;
  /** See {@link SqsPollerOptions.retryDelaySeconds}. */
  sqsRetryDelaySeconds?: number;
  sqsWaitTimeSeconds?: number;
  /** See {@link SqsPollerOptions.maxBatchingWindowSeconds}. */
  maxBatchingWindowSeconds?: number;
  asyncRetryDelaysMs?: number[];
  /**
   * Most execution environments per function (default 10); a function's
   * `ReservedConcurrentExecutions` lowers it. 1 = one invocation at a time per function.
   */
  concurrency?: number;
  /** An idle environment stops after this long (default 5 minutes). */
  functionIdleTimeoutMs?: number;
  /**
   * V8's tier-up thresholds in the functions' Node environments: `'scaled'` (default) divides
   * them by the function's most environments, so that its code is optimised after as many
   * calls in all as in one process; `'lambda'` keeps V8's own, as Lambda runs it.
   */
  v8Tiering?: V8Tiering;
  /** See {@link StreamPollerOptions.pollIntervalMs}. */
  streamPollIntervalMs?: number;
  /** See {@link StreamPollerOptions.retryDelayMs}. */
  streamRetryDelayMs?: number;
  /**
   * The runtime client each function process runs (default: Node with our bootstrap). Any
   * client of the Lambda Runtime API works, e.g. AWS's aws-lambda-ric.
   */
  runtime?: { runtimeCommand: RuntimeCommand; runtimeDir: string };
}

/** What a client (test, demo script) needs to reach a running local cloud. */
export interface LocalCloudDescriptor {
  stackName: string;
  region: string;
  apiUrl?: string;
  apiUrls: Record<string, string>;
  backends: BackendsDescriptor;
  buckets: Record<string, string>;
  tables: Record<string, string>;
  /** Stream ARN of each table that has a stream (by logical ID). */
  streams: Record<string, string>;
  queues: Record<string, { name: string; url: string; arn: string }>;
  secrets: Record<string, { name: string; arn: string }>;
  functions: Record<string, string>;
  parameters: Record<string, string | string[]>;
  /** Warnings about what the template declares but the runner does not emulate. */
  warnings: string[];
}

/** A running local cloud. */
export interface LocalCloud {
  model: LocalStackModel;
  backends: Backends;
  clients: BackendClients;
  functions: FunctionPool;
  apis: HttpApiServer[];
  warnings: string[];
  describe(): LocalCloudDescriptor;
  /** Wait until no asynchronous invocation (S3, EventBridge targets) is in flight. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const describe = (
  model: LocalStackModel,
  backends: Backends,
  apis: HttpApiServer[],
): LocalCloudDescriptor => ({
  stackName: model.stackName,
  region: model.region,
  ...(apis[0] ? { apiUrl: apis[0].url } : {}),
  apiUrls: Object.fromEntries(apis.map((api) => [api.api.logicalId, api.url])),
  backends: describeBackends(backends),
  buckets: Object.fromEntries([...model.buckets].map(([id, b]) => [id, b.name])),
  tables: Object.fromEntries([...model.tables].map(([id, t]) => [id, t.name])),
  streams: Object.fromEntries(
    [...model.tables].flatMap(([id, t]) => (t.streamArn ? [[id, t.streamArn]] : [])),
  ),
  queues: Object.fromEntries(
    [...model.queues].map(([id, q]) => [id, { name: q.name, url: q.url, arn: q.arn }]),
  ),
  secrets: Object.fromEntries(
    [...model.secrets].map(([id, s]) => [id, { name: s.name, arn: s.arn }]),
  ),
  functions: Object.fromEntries([...model.functions].map(([id, f]) => [id, f.name])),
  parameters: Object.fromEntries(model.parameters),
  warnings: model.warnings,
});

/**
 * Run a SAM template locally: start (or use) the backends, create every resource the
 * template declares, start warm environments per function on demand (up to `concurrency`
 * each), and deliver every trigger: HTTP APIs with their authorizers, S3 notifications,
 * EventBridge rules, SQS and DynamoDB Streams event source mappings.
 *
 * @example
 * const cloud = await startLocalCloud({ templatePath: 'template.yaml', port: 3000, log: consoleLog() });
 * console.log(cloud.describe().apiUrl);
 * await cloud.stop();
 */
export const startLocalCloud = async (options: LocalCloudOptions): Promise<LocalCloud> => {
  const { log } = options;
  const region = options.region ?? options.backends?.region ?? 'us-east-1';
  const template = await loadTemplate(options.templatePath);
  const stack = new Stack(template, {
    ...(options.parameterOverrides ? { parameterOverrides: options.parameterOverrides } : {}),
    ...(options.stackName ? { stackName: options.stackName } : {}),
    ...(options.accountId ? { accountId: options.accountId } : {}),
    region,
  });
  const ownBackends = options.backends === undefined;
  const backends =
    options.backends ??
    (await startBackends({
      region,
      ...(options.externalEndpoint ? { externalEndpoint: options.externalEndpoint } : {}),
      ...(options.backendPorts ? { ports: options.backendPorts } : {}),
      ...(options.faults ? { faults: options.faults } : {}),
    }));
  if (!ownBackends && options.faults?.length) {
    if (backends.faults === undefined)
      throw new Error('faults given, but the backends have no fault proxy');
    for (const rule of options.faults) await backends.faults.add(rule);
  }
  const clients = backendClients(backends);
  const stoppers: Array<() => Promise<void>> = [];
  // Event source pollers: told first to take no new batch, waited for last, once the
  // functions have stopped (a batch in flight then ends failed and stays in its queue or
  // stream, instead of holding the stop for up to the function's timeout).
  const pollers: Array<{ halt(): void; stop(): Promise<void> }> = [];
  const stop = async () => {
    for (const poller of pollers) poller.halt();
    for (const stopper of stoppers.reverse()) await stopper().catch(() => undefined);
    await Promise.all(pollers.map((poller) => poller.stop().catch(() => undefined)));
    clients.destroy();
    if (ownBackends) await backends.stop();
  };
  try {
    const model = await provisionStack(stack, clients, {
      templateDir: path.dirname(path.resolve(options.templatePath)),
    });
    const pool = new FunctionPool(model, clients, {
      backendEnv: backends.env,
      log,
      ...(options.runtime ?? bootstrapCommand()),
      ...(options.asyncRetryDelaysMs ? { asyncRetryDelaysMs: options.asyncRetryDelaysMs } : {}),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.functionIdleTimeoutMs === undefined
        ? {}
        : { idleTimeoutMs: options.functionIdleTimeoutMs }),
      ...(options.v8Tiering === undefined ? {} : { v8Tiering: options.v8Tiering }),
    });
    stoppers.push(() => pool.stop());
    const invoke = (id: string, event: unknown) => pool.invoke(id, event);
    const apis: HttpApiServer[] = [];
    let port = options.port ?? 3000;
    for (const api of model.httpApis.values()) {
      const server = new HttpApiServer(api, { region, accountId: model.accountId }, invoke, log);
      await server.start(port, options.host ?? '127.0.0.1');
      stoppers.push(() => server.stop());
      apis.push(server);
      if (port !== 0) port++;
    }
    const bus = new EventBus(model, pool, clients, log);
    const scheduler = new Scheduler(model, bus, log);
    scheduler.start();
    stoppers.push(async () => scheduler.stop());
    const notifier = new S3Notifier(model, pool, bus, clients, log);
    const watched = notifier.watchedBuckets();
    const sequencer = createSequencer();
    const feed: S3ChangeFeed = backends.watchS3
      ? new EmbeddedS3ChangeFeed(backends.watchS3.bind(backends), clients, sequencer, watched)
      : new QueueS3ChangeFeed(
          clients,
          [...watched],
          `${model.stackName}-local-cloud-s3-events`,
          sequencer,
          log,
        );
    await feed.start((change) => notifier.handle(change));
    stoppers.push(() => feed.stop());
    for (const mapping of model.sqsMappings) {
      const queue = model.queues.get(mapping.queueId);
      if (queue === undefined) continue;
      const poller = new SqsPoller(mapping, queue, pool, clients, log, {
        region,
        ...(options.sqsRetryDelaySeconds === undefined
          ? {}
          : { retryDelaySeconds: options.sqsRetryDelaySeconds }),
        ...(options.sqsWaitTimeSeconds === undefined
          ? {}
          : { waitTimeSeconds: options.sqsWaitTimeSeconds }),
        ...(options.maxBatchingWindowSeconds === undefined
          ? {}
          : { maxBatchingWindowSeconds: options.maxBatchingWindowSeconds }),
      });
      poller.start();
      pollers.push(poller);
    }
    for (const mapping of model.streamMappings) {
      const poller = new StreamPoller(mapping, model, pool, clients, log, {
        ...(options.maxBatchingWindowSeconds === undefined
          ? {}
          : { maxBatchingWindowSeconds: options.maxBatchingWindowSeconds }),
        ...(options.streamPollIntervalMs === undefined
          ? {}
          : { pollIntervalMs: options.streamPollIntervalMs }),
        ...(options.streamRetryDelayMs === undefined
          ? {}
          : { retryDelayMs: options.streamRetryDelayMs }),
      });
      pollers.push(poller);
      // A backend without the Streams API (or a stream it lost) leaves this mapping idle,
      // not the whole cloud down.
      await poller.start().catch((error: unknown) => {
        log.warn(
          `${mapping.id}: stream ${mapping.streamArn} not polled: ${(error as Error).message}`,
        );
      });
    }
    return {
      model,
      backends,
      clients,
      functions: pool,
      apis,
      warnings: model.warnings,
      describe: () => describe(model, backends, apis),
      idle: () => pool.idle(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};
