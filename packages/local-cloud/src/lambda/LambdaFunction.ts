import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { FunctionModel } from '../provision/model.js';
import { functionEnvironment } from './environment.js';
import { pipeLines } from './pipeLines.js';
import {
  MAX_RESPONSE_BYTES,
  RuntimeApiServer,
  type RuntimeError,
  type RuntimeInvocation,
} from './RuntimeApiServer.js';
import type { InvokeOptions, InvokeResult, LambdaFunctionOptions } from './types.js';

export type { InvokeOptions, InvokeResult, LambdaFunctionOptions } from './types.js';

interface Pending {
  requestId: string;
  payload: string;
  options: InvokeOptions;
  resolve(result: InvokeResult): void;
  dispatchedAt?: number;
  timer?: NodeJS.Timeout;
  initDurationMs?: number;
}

const traceId = () =>
  `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;

/**
 * One Lambda function environment: a child process running a runtime client against a
 * Runtime API served here. Warm between invocations (module scope runs once), one
 * invocation at a time (others queue), the timeout enforced by killing the process; the
 * next invocation then starts a fresh one, as Lambda does.
 */
export class LambdaFunction {
  readonly model: FunctionModel;
  private readonly options: LambdaFunctionOptions;
  private readonly server: RuntimeApiServer;
  private readonly queue: Pending[] = [];
  private current: Pending | undefined;
  private waiter: ((invocation: RuntimeInvocation | undefined) => void) | undefined;
  private child: ChildProcess | undefined;
  private generation = 0;
  private spawnedAt = 0;
  private initialised = false;
  private initTimer: NodeJS.Timeout | undefined;
  private initError: RuntimeError | undefined;
  private restartWhenIdle = false;
  private started: Promise<string> | undefined;
  private stopped = false;

  constructor(model: FunctionModel, options: LambdaFunctionOptions) {
    this.model = model;
    this.options = options;
    this.server = new RuntimeApiServer({
      next: (signal) => this.next(signal),
      response: (id, body) => this.onResponse(id, body),
      error: (id, error) => this.onError(id, error),
      initError: (error) => {
        this.initError = error;
      },
    });
  }

  /** Is an environment running right now (warm)? */
  get warm(): boolean {
    return this.child !== undefined && this.initialised;
  }

  /** Invoke synchronously (RequestResponse); resolves with the result, never rejects. */
  invoke(event: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
    return new Promise((resolve) => {
      const requestId = randomUUID();
      if (this.stopped) {
        resolve(this.failure(requestId, 'ServiceException', 'The local cloud is stopping'));
        return;
      }
      this.queue.push({ requestId, payload: JSON.stringify(event ?? null), options, resolve });
      void this.pump();
    });
  }

  /** Drop the environment (after a rebuild): the next invocation cold-starts the new code. */
  restart(): void {
    if (this.current === undefined) this.kill();
    else this.restartWhenIdle = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const pending of this.queue.splice(0)) {
      pending.resolve(
        this.failure(pending.requestId, 'ServiceException', 'The local cloud is stopping'),
      );
    }
    this.kill();
    if (this.started) await this.server.stop();
  }

  private failure(
    requestId: string,
    errorType: string,
    errorMessage: string,
    durationMs = 0,
  ): InvokeResult {
    return { requestId, ok: false, error: { errorType, errorMessage }, durationMs };
  }

  private async pump(): Promise<void> {
    if (this.stopped) return;
    if (this.child === undefined && this.queue.length > 0) await this.spawn();
    if (this.waiter && this.current === undefined && this.queue.length > 0) this.dispatch();
  }

  private async spawn(): Promise<void> {
    if (this.child !== undefined) return;
    const { model } = this;
    if (model.problem !== undefined || !existsSync(model.codeDir)) {
      const message =
        model.problem ?? `Code folder ${model.codeDir} does not exist (run \`pnpm build\` first)`;
      const pending = this.queue.shift();
      pending?.resolve(this.failure(pending.requestId, 'Runtime.ImportModuleError', message));
      void this.pump();
      return;
    }
    this.started ??= this.server.start();
    const runtimeApi = await this.started;
    if (this.child !== undefined || this.stopped) return;
    const generation = ++this.generation;
    const { command, args } = this.options.runtimeCommand;
    // Node's heap capped near MemorySize, so a function that would run out of memory on
    // Lambda does here too (only when the runtime client is Node itself).
    const heap = `--max-old-space-size=${Math.max(64, Math.floor(model.memoryMb * 0.9))}`;
    const child = spawn(command, command === process.execPath ? [heap, ...args] : args, {
      cwd: model.codeDir,
      env: functionEnvironment(
        model,
        runtimeApi,
        this.options.backendEnv,
        this.options.log,
        this.options.runtimeDir,
      ),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.spawnedAt = performance.now();
    this.initialised = false;
    this.initError = undefined;
    const log = (stream: 'stdout' | 'stderr') => (line: string) =>
      this.options.log.function(model.logicalId, stream, line);
    pipeLines(child.stdout, log('stdout'));
    pipeLines(child.stderr, log('stderr'));
    child.on('error', (error) =>
      this.options.log.error(`${model.logicalId}: cannot start runtime: ${error.message}`),
    );
    child.on('exit', (code, signal) => this.onExit(generation, code, signal));
    const initLimitMs = Math.max(10, model.timeoutSeconds) * 1000;
    this.initTimer = setTimeout(() => {
      if (generation !== this.generation || this.initialised) return;
      this.kill();
      const pending = this.queue.shift();
      if (pending === undefined) return;
      this.finish(pending, {
        error: {
          errorType: 'Sandbox.Timedout',
          errorMessage: `Init phase did not finish within ${initLimitMs / 1000} seconds`,
        },
      });
    }, initLimitMs);
  }

  private next(signal: AbortSignal): Promise<RuntimeInvocation | undefined> {
    if (!this.initialised) {
      this.initialised = true;
      clearTimeout(this.initTimer);
      const initDurationMs = performance.now() - this.spawnedAt;
      const first = this.queue[0];
      if (first) first.initDurationMs = initDurationMs;
    }
    return new Promise((resolve) => {
      this.waiter = resolve;
      signal.addEventListener('abort', () => {
        if (this.waiter === resolve) this.waiter = undefined;
        resolve(undefined);
      });
      if (this.restartWhenIdle && this.current === undefined) {
        this.restartWhenIdle = false;
        this.kill();
        void this.pump();
        return;
      }
      void this.pump();
    });
  }

  private dispatch() {
    const pending = this.queue.shift();
    const waiter = this.waiter;
    if (pending === undefined || waiter === undefined) return;
    this.waiter = undefined;
    this.current = pending;
    const timeoutMs = this.model.timeoutSeconds * 1000;
    pending.dispatchedAt = performance.now();
    pending.timer = setTimeout(() => this.onTimeout(pending), timeoutMs);
    const { clientContext, cognitoIdentity } = pending.options;
    waiter({
      requestId: pending.requestId,
      payload: pending.payload,
      deadlineMs: Date.now() + timeoutMs,
      functionArn: this.model.arn,
      traceId: traceId(),
      ...(clientContext === undefined ? {} : { clientContext: JSON.stringify(clientContext) }),
      ...(cognitoIdentity === undefined
        ? {}
        : { cognitoIdentity: JSON.stringify(cognitoIdentity) }),
    });
  }

  private finish(pending: Pending, outcome: { payload: string } | { error: RuntimeError }) {
    clearTimeout(pending.timer);
    if (this.current === pending) this.current = undefined;
    const durationMs =
      pending.dispatchedAt === undefined ? 0 : performance.now() - pending.dispatchedAt;
    const result: InvokeResult = {
      requestId: pending.requestId,
      ok: 'payload' in outcome,
      durationMs,
      ...outcome,
      ...(pending.initDurationMs === undefined ? {} : { initDurationMs: pending.initDurationMs }),
    };
    this.options.log.report(this.model.logicalId, result, this.model.memoryMb);
    pending.resolve(result);
    if (this.restartWhenIdle) {
      this.restartWhenIdle = false;
      this.kill();
    }
    void this.pump();
  }

  private onResponse(requestId: string, body: Buffer): 'ok' | 'unknown' | 'too-large' {
    const pending = this.current;
    if (pending === undefined || pending.requestId !== requestId) return 'unknown';
    if (body.byteLength > MAX_RESPONSE_BYTES) {
      this.finish(pending, {
        error: {
          errorType: 'Function.ResponseSizeTooLarge',
          errorMessage: `Response payload size (${body.byteLength} bytes) exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
        },
      });
      return 'too-large';
    }
    this.finish(pending, { payload: body.toString('utf8') });
    return 'ok';
  }

  private onError(requestId: string, error: RuntimeError): 'ok' | 'unknown' {
    const pending = this.current;
    if (pending === undefined || pending.requestId !== requestId) return 'unknown';
    this.finish(pending, { error });
    return 'ok';
  }

  private onTimeout(pending: Pending) {
    if (this.current !== pending) return;
    const seconds = this.model.timeoutSeconds.toFixed(2);
    this.options.log.function(
      this.model.logicalId,
      'stderr',
      `${new Date().toISOString()} ${pending.requestId} Task timed out after ${seconds} seconds`,
    );
    this.kill();
    this.finish(pending, {
      error: {
        errorType: 'Sandbox.Timedout',
        errorMessage: `RequestId: ${pending.requestId} Error: Task timed out after ${seconds} seconds`,
      },
    });
  }

  private onExit(generation: number, code: number | null, signal: NodeJS.Signals | null) {
    if (generation !== this.generation) return;
    clearTimeout(this.initTimer);
    this.child = undefined;
    this.waiter = undefined;
    this.initialised = false;
    const reason = signal ? `signal ${signal}` : `exit status ${code}`;
    const initError = this.initError;
    this.initError = undefined;
    const pending = this.current ?? this.queue.shift();
    if (pending) {
      this.finish(pending, {
        error: initError ?? {
          errorType: 'Runtime.ExitError',
          errorMessage: `RequestId: ${pending.requestId} Error: Runtime exited with error: ${reason}`,
        },
      });
    } else {
      void this.pump();
    }
  }

  private kill() {
    const child = this.child;
    if (child === undefined) return;
    this.generation++;
    this.child = undefined;
    this.waiter = undefined;
    this.initialised = false;
    clearTimeout(this.initTimer);
    child.kill('SIGKILL');
  }
}
