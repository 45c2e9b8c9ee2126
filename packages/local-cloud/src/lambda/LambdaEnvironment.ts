import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import type { FunctionModel } from '../provision/model.js';
import { MAX_RESPONSE_BYTES } from './constants.js';
import { functionEnvironment } from './environment.js';
import { killProcessGroup } from './killProcessGroup.js';
import { lambdaNodeArgs } from './nodeArgs.js';
import { pipeLines } from './pipeLines.js';
import {
  type RuntimeApiDelegate,
  RuntimeApiServer,
  type RuntimeError,
  type RuntimeInvocation,
} from './RuntimeApiServer.js';
import { RuntimeChannel } from './RuntimeChannel.js';
import type { InvokeOptions, LambdaFunctionOptions } from './types.js';

/** One invocation, from the caller's `invoke` until its result. */
export interface PendingInvocation {
  requestId: string;
  payload: string;
  options: InvokeOptions;
  resolve(outcome: InvocationOutcome): void;
}

/** What an environment hands back for one invocation. */
export type InvocationOutcome = ({ payload: string } | { error: RuntimeError }) & {
  durationMs: number;
  initDurationMs?: number;
};

/** What the owner of an environment hears from it. */
export interface EnvironmentEvents {
  /** The runtime asks for work: the environment is idle until {@link LambdaEnvironment.run}. */
  idle(env: LambdaEnvironment): void;
  /** The process is gone (crash, timeout, kill). `initError` when it died before its first `next`. */
  gone(env: LambdaEnvironment, initError: RuntimeError | undefined): void;
}

export const EnvironmentState = {
  starting: 'starting',
  idle: 'idle',
  busy: 'busy',
  gone: 'gone',
} as const;
export type EnvironmentState = (typeof EnvironmentState)[keyof typeof EnvironmentState];

const traceId = () =>
  `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;

/**
 * One execution environment of a function: a child process running a runtime client against
 * its own Runtime API server, one invocation at a time. Module scope runs once per
 * environment; its first invocation carries the `Init Duration`. A handler past its timeout
 * or a process that exits ends the environment: it is never reused.
 */
export class LambdaEnvironment {
  readonly model: FunctionModel;
  /** When this environment last finished an invocation (or started): most recent is reused first. */
  lastUsedAt = performance.now();
  private readonly options: LambdaFunctionOptions;
  private readonly events: EnvironmentEvents;
  private readonly server: RuntimeApiServer;
  private readonly delegate: RuntimeApiDelegate;
  private channel: RuntimeChannel | undefined;
  private stateValue: EnvironmentState = EnvironmentState.starting;
  private child: ChildProcess | undefined;
  private waiter: ((invocation: RuntimeInvocation | undefined) => void) | undefined;
  private current:
    | {
        pending: PendingInvocation;
        invocation: RuntimeInvocation;
        dispatchedAt: number;
        timer: NodeJS.Timeout;
      }
    | undefined;
  private spawnedAt = 0;
  private initDurationMs: number | undefined;
  private initTimer: NodeJS.Timeout | undefined;
  private initError: RuntimeError | undefined;
  private initialised = false;
  private detachedValue = false;
  private closed: Promise<void> = Promise.resolve();
  private readonly nodeArgs: readonly string[];

  /**
   * `nodeArgs`: Node's flags when the runtime client is Node itself (default: Lambda's, from
   * `MemorySize`; its function adds the tier-up thresholds for its environment count).
   */
  constructor(
    model: FunctionModel,
    options: LambdaFunctionOptions,
    events: EnvironmentEvents,
    nodeArgs: readonly string[] = lambdaNodeArgs(model.memoryMb),
  ) {
    this.model = model;
    this.options = options;
    this.events = events;
    this.nodeArgs = nodeArgs;
    this.delegate = {
      next: (signal) => this.next(signal),
      response: (id, body) => this.onResponse(id, body),
      error: (id, error) => this.onError(id, error),
      initError: (error) => {
        this.initError = error;
      },
    };
    this.server = new RuntimeApiServer(this.delegate);
  }

  get state(): EnvironmentState {
    return this.stateValue;
  }

  /** Answered its invocation; idle as soon as the runtime asks for the next one. */
  get finishing(): boolean {
    return (
      this.stateValue === EnvironmentState.busy && this.current === undefined && !this.detachedValue
    );
  }
  /**
   * The runtime closed its `next` request without an invocation (an HTTP client's timeout): it
   * is not waiting for work until it asks again, so it is not idle, the pool does not count on
   * it, and it is reaped like an idle one.
   */
  get detached(): boolean {
    return this.detachedValue;
  }

  /** Start the process (the cold start); {@link EnvironmentEvents.idle} follows when ready. */
  async start(): Promise<void> {
    const runtimeApi = await this.server.start();
    if (this.stateValue === EnvironmentState.gone) {
      await this.server.stop();
      return;
    }
    const { model } = this;
    const { command, args, channel } = this.options.runtimeCommand;
    // Node started as Lambda starts it (heap sized from MemorySize ...), when the runtime
    // client is Node itself.
    const { nodeArgs } = this;
    // Our own runtime client takes the Runtime API's exchanges over a pipe (fd 3).
    const argv = channel === true ? [...args, '--runtime-channel=3'] : args;
    const child = spawn(command, command === process.execPath ? [...nodeArgs, ...argv] : argv, {
      cwd: model.codeDir,
      env: functionEnvironment(
        model,
        runtimeApi,
        this.options.backendEnv,
        this.options.log,
        this.options.runtimeDir,
      ),
      stdio: channel === true ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that ending the environment also ends what the handler
      // started (ffmpeg, a shell), as Lambda's sandbox does. The runtime still goes with the
      // runner: our bootstrap exits when its pipe closes, any client when its Runtime API
      // connection does.
      detached: true,
    });
    this.child = child;
    if (channel === true)
      this.channel = new RuntimeChannel(child.stdio[3] as Duplex, this.delegate);
    this.spawnedAt = performance.now();
    const log = (stream: 'stdout' | 'stderr') => (line: string) =>
      this.options.log.function(model.logicalId, stream, line);
    pipeLines(child.stdout, log('stdout'));
    pipeLines(child.stderr, log('stderr'));
    child.on('error', (error) => {
      this.options.log.error(`${model.logicalId}: cannot start runtime: ${error.message}`);
      // No process (command or code folder missing): no 'exit' follows, so end it now rather
      // than at the init timeout.
      if (child.pid === undefined) {
        const gone = existsSync(model.codeDir) ? '' : ` (code folder ${model.codeDir} is gone)`;
        this.end({
          errorType: 'Runtime.InvalidEntrypoint',
          errorMessage: `Error: cannot start the runtime ${command}: ${error.message}${gone}`,
        });
      }
    });
    child.on('exit', (code, signal) => {
      // What the runtime wrote to the channel just before exiting (an init error, an answer)
      // is read first: wait for the pipe to close (a grandchild holding it open: 1 s at most).
      const pipe = child.stdio[3];
      if (channel !== true || pipe === null || pipe === undefined || pipe.destroyed) {
        this.onExit(code, signal);
        return;
      }
      const done = () => {
        clearTimeout(timer);
        this.onExit(code, signal);
      };
      const timer = setTimeout(done, 1000);
      pipe.once('close', done);
    });
    const initLimitMs = Math.max(10, model.timeoutSeconds) * 1000;
    this.initTimer = setTimeout(() => {
      if (this.initialised) return;
      this.end({
        errorType: 'Sandbox.Timedout',
        errorMessage: `Init phase did not finish within ${initLimitMs / 1000} seconds`,
      });
    }, initLimitMs);
  }

  /** Hand an invocation to this idle environment. */
  run(pending: PendingInvocation): void {
    const waiter = this.waiter;
    if (this.stateValue !== EnvironmentState.idle || waiter === undefined)
      throw new Error(`${this.model.logicalId}: environment is ${this.stateValue}, not idle`);
    this.waiter = undefined;
    this.stateValue = EnvironmentState.busy;
    const timeoutMs = this.model.timeoutSeconds * 1000;
    const { clientContext, cognitoIdentity } = pending.options;
    const invocation: RuntimeInvocation = {
      requestId: pending.requestId,
      payload: pending.payload,
      deadlineMs: Date.now() + timeoutMs,
      functionArn: this.model.arn,
      traceId: traceId(),
      ...(clientContext === undefined ? {} : { clientContext: JSON.stringify(clientContext) }),
      ...(cognitoIdentity === undefined
        ? {}
        : { cognitoIdentity: JSON.stringify(cognitoIdentity) }),
    };
    this.current = {
      pending,
      invocation,
      dispatchedAt: performance.now(),
      timer: setTimeout(() => this.onTimeout(), timeoutMs),
    };
    waiter(invocation);
  }

  /** End the environment now (an invocation in flight fails as a runtime exit). */
  kill(): Promise<void> {
    this.end(undefined);
    return this.closed;
  }

  private next(signal: AbortSignal): Promise<RuntimeInvocation | undefined> {
    if (!this.initialised) {
      this.initialised = true;
      clearTimeout(this.initTimer);
      this.initDurationMs = performance.now() - this.spawnedAt;
    }
    return new Promise((resolve) => {
      if (this.stateValue === EnvironmentState.gone || signal.aborted) {
        resolve(undefined);
        return;
      }
      this.detachedValue = false;
      // Asked again with an invocation in flight: its answer to the runtime was lost (the
      // connection closed as it was sent), so it gets the same invocation again; it is never
      // idle while it holds one. Its timeout still counts from the first dispatch.
      if (this.current !== undefined) {
        resolve(this.current.invocation);
        return;
      }
      // The pipe's signal lives as long as the environment: the listener must go with the
      // invocation it waits for, or every `next` leaves one behind (and the runner's heap and
      // its garbage collection grow with the calls served).
      const onAbort = () => {
        if (this.waiter === waiter) {
          this.waiter = undefined;
          this.stateValue = EnvironmentState.busy;
          this.detachedValue = true;
        }
        resolve(undefined);
      };
      const waiter = (invocation: RuntimeInvocation | undefined) => {
        signal.removeEventListener('abort', onAbort);
        resolve(invocation);
      };
      this.waiter = waiter;
      signal.addEventListener('abort', onAbort, { once: true });
      this.stateValue = EnvironmentState.idle;
      this.events.idle(this);
    });
  }

  private finish(outcome: { payload: string } | { error: RuntimeError }) {
    const current = this.current;
    if (current === undefined) return;
    this.current = undefined;
    clearTimeout(current.timer);
    const now = performance.now();
    this.lastUsedAt = now;
    const initDurationMs = this.initDurationMs;
    this.initDurationMs = undefined;
    current.pending.resolve({
      ...outcome,
      durationMs: now - current.dispatchedAt,
      ...(initDurationMs === undefined ? {} : { initDurationMs }),
    });
  }

  private onResponse(requestId: string, body: Buffer): 'ok' | 'unknown' | 'too-large' {
    if (this.current?.pending.requestId !== requestId) return 'unknown';
    if (body.byteLength > MAX_RESPONSE_BYTES) {
      this.finish({
        error: {
          errorType: 'Function.ResponseSizeTooLarge',
          errorMessage: `Response payload size (${body.byteLength} bytes) exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
        },
      });
      return 'too-large';
    }
    this.finish({ payload: body.toString('utf8') });
    return 'ok';
  }

  private onError(requestId: string, error: RuntimeError): 'ok' | 'unknown' {
    if (this.current?.pending.requestId !== requestId) return 'unknown';
    this.finish({ error });
    return 'ok';
  }

  private onTimeout() {
    const current = this.current;
    if (current === undefined) return;
    const { requestId } = current.pending;
    const seconds = this.model.timeoutSeconds.toFixed(2);
    this.options.log.function(
      this.model.logicalId,
      'stderr',
      `${new Date().toISOString()} ${requestId} Task timed out after ${seconds} seconds`,
    );
    this.finish({
      error: {
        errorType: 'Sandbox.Timedout',
        errorMessage: `RequestId: ${requestId} Error: Task timed out after ${seconds} seconds`,
      },
    });
    this.end(undefined);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null) {
    if (this.stateValue === EnvironmentState.gone) return;
    const reason = signal ? `signal ${signal}` : `exit status ${code}`;
    const requestId = this.current?.pending.requestId;
    const initError =
      this.initError ??
      (this.initialised
        ? undefined
        : { errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: ${reason}` });
    if (requestId !== undefined) {
      this.finish({
        error: this.initError ?? {
          errorType: 'Runtime.ExitError',
          errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${reason}`,
        },
      });
    }
    this.end(initError);
  }

  /**
   * Once: kill the process and every process it started, stop the Runtime API, fail what is
   * in flight, tell the owner.
   */
  private end(initError: RuntimeError | undefined) {
    if (this.stateValue === EnvironmentState.gone) return;
    this.stateValue = EnvironmentState.gone;
    clearTimeout(this.initTimer);
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(undefined);
    if (this.current !== undefined) {
      const { requestId } = this.current.pending;
      this.finish({
        error: {
          errorType: 'Runtime.ExitError',
          errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal SIGKILL`,
        },
      });
    }
    if (this.child !== undefined) killProcessGroup(this.child);
    this.channel?.close();
    this.closed = this.server.stop();
    this.events.gone(this, this.initialised ? undefined : initError);
  }
}
