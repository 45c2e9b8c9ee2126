import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { FunctionModel } from '../provision/model.js';
import { MAX_SYNC_REQUEST_BYTES } from './constants.js';
import { EventPayload } from './EventPayload.js';
import {
  EnvironmentState,
  type InvocationOutcome,
  LambdaEnvironment,
} from './LambdaEnvironment.js';
import { environmentNodeArgs } from './nodeArgs.js';
import type { RuntimeError } from './RuntimeApiServer.js';
import type {
  EnvironmentCounts,
  InvokeOptions,
  InvokeResult,
  LambdaFunctionOptions,
} from './types.js';

export type {
  EnvironmentCounts,
  InvokeOptions,
  InvokeResult,
  LambdaFunctionOptions,
} from './types.js';

/** Environments per function unless the runner is told otherwise (Lambda scales further). */
export const DEFAULT_CONCURRENCY = 10;
/**
 * Environments of one function initialising at once. Lambda's run on separate machines; here
 * they share the host's cores, and ten cold starts at once would delay the first answer by all
 * of them. Waiting invocations go to whichever environment is ready first.
 */
const MAX_STARTING = Math.max(2, availableParallelism());
/** Lambda keeps an idle environment for minutes; so does the runner. */
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;

interface Queued {
  requestId: string;
  payload: string;
  options: InvokeOptions;
  resolve(result: InvokeResult): void;
}

/**
 * A Lambda function: up to `concurrency` execution environments (capped by
 * `ReservedConcurrentExecutions`), each a child process with its own Runtime API running one
 * invocation at a time. An invocation goes to the most recently used idle environment; when
 * all are busy a new one cold-starts (while no more than the cap exist; past it invocations
 * wait). Idle environments stop after `idleTimeoutMs`; one that crashed or timed out is
 * replaced, never reused.
 */
export class LambdaFunction {
  readonly model: FunctionModel;
  /** The most environments this function may have at once. */
  readonly concurrency: number;
  /**
   * Node's flags for its environments when the runtime client is Node: Lambda's, and V8's
   * tier-up thresholds scaled to {@link concurrency} (`options.v8Tiering`).
   */
  readonly nodeArgs: readonly string[];
  private readonly options: LambdaFunctionOptions;
  private readonly idleTimeoutMs: number;
  private readonly environments = new Set<LambdaEnvironment>();
  /** Environments of code that was replaced: they finish what they run, then stop. */
  private readonly retired = new WeakSet<LambdaEnvironment>();
  private readonly reapTimers = new Map<LambdaEnvironment, NodeJS.Timeout>();
  private readonly queue: Queued[] = [];
  private stopped = false;

  constructor(model: FunctionModel, options: LambdaFunctionOptions) {
    this.model = model;
    this.options = options;
    this.concurrency = Math.max(
      0,
      Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, model.reservedConcurrency ?? Infinity),
    );
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.nodeArgs = environmentNodeArgs(model.memoryMb, this.concurrency, options.v8Tiering);
  }

  /** Is an environment initialised right now (warm)? */
  get warm(): boolean {
    const counts = this.counts();
    return counts.idle + counts.busy > 0;
  }

  /** The environments by state, and the invocations waiting for one. */
  counts(): EnvironmentCounts {
    const counts: EnvironmentCounts = { starting: 0, idle: 0, busy: 0, queued: this.queue.length };
    for (const env of this.environments) {
      if (env.state !== EnvironmentState.gone) counts[env.state]++;
    }
    return counts;
  }

  /**
   * Invoke synchronously (RequestResponse); resolves with the result, never rejects. With
   * every environment busy at the cap, it waits for one. `event` may be an
   * {@link EventPayload}, serialised already.
   */
  invoke(event: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
    return this.enqueue(event, options, false);
  }

  /**
   * Invoke as Lambda's asynchronous queue does: when every environment the function may have
   * is busy, the invocation is throttled at once (TooManyRequestsException) instead of
   * waiting, and the caller retries it later.
   */
  invokeUnlessThrottled(event: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
    return this.enqueue(event, options, true);
  }

  private enqueue(
    event: unknown,
    options: InvokeOptions,
    throttleWhenFull: boolean,
  ): Promise<InvokeResult> {
    return new Promise((resolve) => {
      const requestId = randomUUID();
      if (this.stopped) {
        resolve(failure(requestId, 'ServiceException', 'The local cloud is stopping'));
        return;
      }
      const payload = EventPayload.of(event);
      if (payload.bytes > MAX_SYNC_REQUEST_BYTES) {
        // Lambda refuses it before any environment sees it.
        resolve(
          failure(
            requestId,
            'RequestEntityTooLargeException',
            `Request must be smaller than ${MAX_SYNC_REQUEST_BYTES} bytes for the InvokeFunction operation`,
          ),
        );
        return;
      }
      if (this.concurrency === 0 || (throttleWhenFull && !this.hasCapacity())) {
        // ReservedConcurrentExecutions: 0 throttles every invocation on Lambda.
        resolve(failure(requestId, 'TooManyRequestsException', 'Rate Exceeded.'));
        return;
      }
      this.queue.push({ requestId, payload: payload.json, options, resolve });
      this.pump();
    });
  }

  /**
   * Retire every environment (the code was rebuilt): idle and starting ones stop now, busy
   * ones when their invocation ends; the next invocations cold-start the new code.
   */
  restart(): void {
    // A copy: stopping one starts its replacement, which must not be stopped in turn.
    for (const env of [...this.environments]) {
      if (env.state === EnvironmentState.busy) this.retired.add(env);
      else void env.kill();
    }
    this.pump();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const queued of this.queue.splice(0)) {
      queued.resolve(failure(queued.requestId, 'ServiceException', 'The local cloud is stopping'));
    }
    await Promise.all([...this.environments].map((env) => env.kill()));
  }

  /**
   * Could one more invocation start now or within a moment: an environment idle, starting or
   * finishing its answer that no waiting invocation has claimed, or room for a new one?
   */
  private hasCapacity(): boolean {
    let free = this.concurrency - this.environments.size;
    for (const env of this.environments) {
      if (
        env.state === EnvironmentState.idle ||
        env.state === EnvironmentState.starting ||
        env.finishing
      )
        free++;
    }
    return free > this.queue.length;
  }

  /** Give waiting invocations to idle environments, and start environments for the rest. */
  private pump(): void {
    if (this.stopped) return;
    while (this.queue.length > 0) {
      const env = this.mostRecentlyUsedIdle();
      if (env === undefined) break;
      this.dispatch(env);
    }
    // Environments starting, or done and about to ask for work (the runtime's next request
    // follows its answer within a millisecond), will take waiting invocations: a caller that
    // invokes again as soon as it has its answer must not start a second environment.
    let uncovered = this.queue.length;
    let starting = 0;
    for (const env of this.environments) {
      if (env.state === EnvironmentState.starting) starting++;
      if (env.state === EnvironmentState.starting || env.finishing) uncovered--;
    }
    if (uncovered <= 0 || this.environments.size >= this.concurrency) return;
    const problem =
      this.model.problem ??
      (existsSync(this.model.codeDir)
        ? undefined
        : `Code folder ${this.model.codeDir} does not exist (run \`pnpm build\` first)`);
    if (problem !== undefined) {
      // Environments that already loaded the code keep serving; with none, nothing can.
      if (this.environments.size > 0) return;
      for (const queued of this.queue.splice(0)) {
        queued.resolve(failure(queued.requestId, 'Runtime.ImportModuleError', problem));
      }
      return;
    }
    while (uncovered > 0 && this.environments.size < this.concurrency && starting < MAX_STARTING) {
      uncovered--;
      starting++;
      const env = new LambdaEnvironment(
        this.model,
        this.options,
        {
          idle: (ready) => this.onIdle(ready),
          gone: (ended, initError) => this.onGone(ended, initError),
        },
        this.nodeArgs,
      );
      this.environments.add(env);
      env.start().catch((error: unknown) => {
        this.options.log.error(
          `${this.model.logicalId}: cannot start an environment: ${(error as Error).message}`,
        );
        void env.kill();
      });
    }
  }

  private mostRecentlyUsedIdle(): LambdaEnvironment | undefined {
    let best: LambdaEnvironment | undefined;
    for (const env of this.environments) {
      if (env.state !== EnvironmentState.idle) continue;
      if (best === undefined || env.lastUsedAt > best.lastUsedAt) best = env;
    }
    return best;
  }

  private dispatch(env: LambdaEnvironment) {
    const queued = this.queue.shift();
    if (queued === undefined) return;
    clearTimeout(this.reapTimers.get(env));
    this.reapTimers.delete(env);
    env.run({
      requestId: queued.requestId,
      payload: queued.payload,
      options: queued.options,
      resolve: (outcome) => {
        this.complete(queued, outcome);
        if (this.retired.has(env)) void env.kill();
      },
    });
  }

  private complete(queued: Queued, outcome: InvocationOutcome) {
    const { durationMs, initDurationMs } = outcome;
    const result: InvokeResult = {
      requestId: queued.requestId,
      ok: 'payload' in outcome,
      durationMs,
      ...('payload' in outcome ? { payload: outcome.payload } : { error: outcome.error }),
      ...(initDurationMs === undefined ? {} : { initDurationMs }),
    };
    this.options.log.report(this.model.logicalId, result, this.model.memoryMb);
    queued.resolve(result);
  }

  private onIdle(env: LambdaEnvironment) {
    if (this.stopped || this.retired.has(env)) {
      void env.kill();
      return;
    }
    if (this.queue.length > 0) {
      // Also starts the next environments, if the ones starting were all that held them back.
      this.pump();
      return;
    }
    clearTimeout(this.reapTimers.get(env));
    const timer = setTimeout(() => {
      if (env.state === EnvironmentState.idle || env.detached) void env.kill();
    }, this.idleTimeoutMs);
    timer.unref();
    this.reapTimers.set(env, timer);
  }

  private onGone(env: LambdaEnvironment, initError: RuntimeError | undefined) {
    this.environments.delete(env);
    clearTimeout(this.reapTimers.get(env));
    this.reapTimers.delete(env);
    // An environment that failed to initialise fails one waiting invocation with the reason,
    // as the invocation that caused a cold start fails on Lambda (and a module that always
    // throws cannot start environments forever).
    const queued = initError === undefined ? undefined : this.queue.shift();
    if (queued !== undefined && initError !== undefined) {
      this.complete(queued, { error: initError, durationMs: 0 });
    }
    this.pump();
  }
}

const failure = (requestId: string, errorType: string, errorMessage: string): InvokeResult => ({
  requestId,
  ok: false,
  error: { errorType, errorMessage },
  durationMs: 0,
});
