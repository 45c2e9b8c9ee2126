import { type MessageAttributeValue, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { BackendClients } from '../clients.js';
import type { DestinationModel, LocalStackModel } from '../provision/model.js';
import { abortableSleep as sleep } from './abortableSleep.js';
import { MAX_ASYNC_REQUEST_BYTES } from './constants.js';
import { EventPayload } from './EventPayload.js';
import { type InvokeResult, LambdaFunction } from './LambdaFunction.js';
import type { V8Tiering } from './nodeArgs.js';
import type { RuntimeError } from './RuntimeApiServer.js';
import type { RunnerLog, RuntimeCommand } from './types.js';

/** The error type of a throttled invocation. */
const THROTTLED = 'TooManyRequestsException';

/** What Invoke answers an asynchronous invocation: queued, or refused (and why). */
export type AsyncInvokeAnswer = { accepted: true } | { accepted: false; error: RuntimeError };

/** Options for {@link FunctionPool}. */
export interface FunctionPoolOptions {
  backendEnv: Readonly<Record<string, string>>;
  log: RunnerLog;
  runtimeCommand: RuntimeCommand;
  runtimeDir: string;
  /**
   * Delays before the retries of a failed asynchronous invocation. Lambda waits about one
   * and then two minutes; locally the default is 1 s and 2 s.
   */
  asyncRetryDelaysMs?: number[];
  /**
   * First and longest delay before retrying a throttled asynchronous invocation (doubling in
   * between). Lambda backs off from one second up to five minutes; locally 100 ms up to 2 s.
   */
  throttleRetryDelaysMs?: [number, number];
  /** Most environments per function (default 10; `ReservedConcurrentExecutions` lowers it). */
  concurrency?: number;
  /** An environment idle this long is stopped (default 5 minutes). */
  idleTimeoutMs?: number;
  /** See {@link LambdaFunctionOptions.v8Tiering}. */
  v8Tiering?: V8Tiering;
}

/**
 * Every function of the stack, each with up to `concurrency` warm environments, invoked
 * synchronously (API, authorizer, SQS pollers) or asynchronously (S3, EventBridge: retries,
 * then the OnFailure destination or dead-letter queue, as Lambda does).
 */
export class FunctionPool {
  private readonly functions = new Map<string, LambdaFunction>();
  private readonly model: LocalStackModel;
  private readonly clients: BackendClients;
  private readonly options: FunctionPoolOptions;
  private readonly inFlight = new Set<Promise<void>>();
  /** Aborted by {@link stop}: retries waiting for their delay end at once. */
  private readonly stopping = new AbortController();

  constructor(model: LocalStackModel, clients: BackendClients, options: FunctionPoolOptions) {
    this.model = model;
    this.clients = clients;
    this.options = options;
    for (const [id, fn] of model.functions) {
      this.functions.set(
        id,
        new LambdaFunction(fn, {
          backendEnv: options.backendEnv,
          log: options.log,
          runtimeCommand: options.runtimeCommand,
          runtimeDir: options.runtimeDir,
          ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
          ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
          ...(options.v8Tiering === undefined ? {} : { v8Tiering: options.v8Tiering }),
        }),
      );
    }
  }

  get(id: string): LambdaFunction {
    const fn = this.functions.get(id);
    if (fn === undefined) throw new Error(`no function ${id}`);
    return fn;
  }

  ids(): string[] {
    return [...this.functions.keys()];
  }

  /** Invoke synchronously (RequestResponse). */
  invoke(id: string, event: unknown): Promise<InvokeResult> {
    return this.get(id).invoke(event);
  }

  /**
   * Invoke asynchronously (Event): returns at once; retries and destinations follow. An event
   * over Lambda's 1 MB limit for asynchronous requests is refused, as Invoke refuses it: the
   * answer says so and nothing runs.
   */
  invokeAsync(id: string, event: unknown): AsyncInvokeAnswer {
    const payload = new EventPayload(event);
    if (payload.bytes > MAX_ASYNC_REQUEST_BYTES) {
      const error = {
        errorType: 'RequestEntityTooLargeException',
        errorMessage: `Request must be smaller than ${MAX_ASYNC_REQUEST_BYTES} bytes for the InvokeFunction operation`,
      };
      this.options.log.error(
        `${id}: asynchronous invocation refused: ${error.errorMessage} (${payload.bytes} bytes)`,
      );
      return { accepted: false, error };
    }
    const task = this.runAsync(id, event, payload).catch((error: unknown) => {
      this.options.log.error(`${id}: asynchronous invocation failed: ${(error as Error).message}`);
    });
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
    return { accepted: true };
  }

  /** Wait until no asynchronous invocation is in flight. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /**
   * Retire every environment of these functions (their code changed): idle ones stop now,
   * busy ones when their invocation ends; the next invocations cold-start the new code.
   */
  restart(ids: Iterable<string>): void {
    for (const id of ids) this.functions.get(id)?.restart();
  }

  /**
   * Stop every environment. Invocations in flight end as failed (`The local cloud is
   * stopping`); asynchronous ones are neither retried nor sent to a destination or dead-letter
   * queue then: the runner stopping is not the function failing.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all([...this.functions.values()].map((fn) => fn.stop()));
  }

  private async runAsync(id: string, event: unknown, payload: EventPayload): Promise<void> {
    const fn = this.get(id);
    const config = fn.model.async;
    const delays = this.options.asyncRetryDelaysMs ?? [1000, 2000];
    const [firstThrottleDelay, maxThrottleDelay] = this.options.throttleRetryDelaysMs ?? [
      100, 2000,
    ];
    const expiresAt = Date.now() + config.maximumEventAgeSeconds * 1000;
    let result: InvokeResult | undefined;
    let attempts = 0;
    let throttleDelay = firstThrottleDelay;
    let throttles = 0;
    let condition = 'RetriesExhausted';
    const { signal } = this.stopping;
    for (;;) {
      if (signal.aborted) break;
      if (Date.now() >= expiresAt) {
        condition = 'EventAgeExceeded';
        break;
      }
      result = await fn.invokeUnlessThrottled(payload);
      if (!result.ok && result.error?.errorType === THROTTLED) {
        // Back to Lambda's internal queue: retried with backoff until the event's maximum
        // age, without using up a retry attempt (Lambda backs off up to 5 minutes; a few
        // seconds here).
        if (throttles++ === 0)
          this.options.log.warn(
            `${id}: asynchronous invocation throttled (every environment busy); retrying until the event is ${config.maximumEventAgeSeconds} s old`,
          );
        await sleep(Math.min(throttleDelay, expiresAt - Date.now()), signal);
        throttleDelay = Math.min(throttleDelay * 2, maxThrottleDelay);
        continue;
      }
      attempts++;
      if (result.ok || signal.aborted) break;
      const left = config.maximumRetryAttempts - (attempts - 1);
      this.options.log.warn(
        `${id}: asynchronous invocation ${result.requestId} failed (${result.error?.errorType}: ${result.error?.errorMessage})${left > 0 ? `; retrying (${left} left)` : ''}`,
      );
      if (left <= 0) break;
      await sleep(delays[Math.min(attempts - 1, delays.length - 1)] ?? 1000, signal);
    }
    if (signal.aborted && !result?.ok) {
      this.options.log.warn(
        `${id}: asynchronous invocation dropped after ${attempts} attempt(s): the local cloud stopped`,
      );
      return;
    }
    const throttled = result?.error?.errorType === THROTTLED;
    const record = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: result?.requestId,
        functionArn: `${fn.model.arn}:$LATEST`,
        condition: result?.ok ? 'Success' : condition,
        approximateInvokeCount: attempts,
      },
      requestPayload: event,
      responseContext: {
        statusCode: throttled ? 429 : 200,
        executedVersion: '$LATEST',
        ...(result?.ok || throttled ? {} : { functionError: 'Unhandled' }),
      },
      responsePayload: result?.ok ? JSON.parse(result.payload ?? 'null') : result?.error,
    };
    if (result?.ok) {
      if (config.onSuccess) await this.deliver(config.onSuccess, record);
      return;
    }
    if (config.onFailure) await this.deliver(config.onFailure, record);
    if (config.deadLetterQueueId) await this.deadLetter(config.deadLetterQueueId, payload, result);
    if (!config.onFailure && !config.deadLetterQueueId) {
      this.options.log.warn(
        `${id}: event discarded after ${attempts} attempt(s) (${condition}; no OnFailure destination)`,
      );
    }
  }

  private async deliver(destination: DestinationModel, record: unknown) {
    if (destination.kind === 'function') {
      this.invokeAsync(destination.resourceId, record);
      return;
    }
    const queue = this.model.queues.get(destination.resourceId);
    if (queue === undefined) return;
    await this.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(record) }),
    );
  }

  private async deadLetter(
    queueId: string,
    payload: EventPayload,
    result: InvokeResult | undefined,
  ) {
    const queue = this.model.queues.get(queueId);
    if (queue === undefined) return;
    const throttled = result?.error?.errorType === THROTTLED;
    const attributes: Record<string, MessageAttributeValue> = {
      RequestID: { DataType: 'String', StringValue: result?.requestId ?? 'unknown' },
      // The HTTP status of the last answer: 429 for a throttle, 200 for a function error.
      ErrorCode: { DataType: 'Number', StringValue: throttled ? '429' : '200' },
      ErrorMessage: {
        DataType: 'String',
        StringValue: (result?.error?.errorMessage ?? 'unknown').slice(0, 1024) || 'error',
      },
    };
    await this.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: payload.json,
        MessageAttributes: attributes,
      }),
    );
  }
}
