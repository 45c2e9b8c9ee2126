import type { V8Tiering } from './nodeArgs.js';
import type { RuntimeError } from './RuntimeApiServer.js';

/** The outcome of one invocation. */
export interface InvokeResult {
  requestId: string;
  ok: boolean;
  /** The response payload as the function returned it (JSON text), when `ok`. */
  payload?: string;
  error?: RuntimeError;
  durationMs: number;
  /** Set on the first invocation of each new environment. */
  initDurationMs?: number;
}

/**
 * Where the runner's own messages and the functions' output go. Defined here, at the bottom
 * of everything that logs; `dev/log.ts` implements it for the terminal.
 */
export interface RunnerLog {
  /** One line a function's process wrote. */
  function(functionId: string, stream: 'stdout' | 'stderr', line: string): void;
  /** The REPORT line after an invocation. */
  report(functionId: string, result: InvokeResult, memoryMb: number): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Per-invocation extras Lambda passes to the runtime. */
export interface InvokeOptions {
  clientContext?: unknown;
  cognitoIdentity?: unknown;
}

/** The runtime client a function's process runs. */
export interface RuntimeCommand {
  command: string;
  args: string[];
  /**
   * The client is our bootstrap: it gets `--runtime-channel=3` and takes invocations over
   * that pipe instead of the HTTP Runtime API (which stays up for any other client).
   */
  channel?: boolean;
}

/** How to start a function's runtime processes, and how many. */
export interface LambdaFunctionOptions {
  /** Endpoint variables of the backends (AWS_ENDPOINT_URL_*, region, dummy credentials). */
  backendEnv: Readonly<Record<string, string>>;
  log: RunnerLog;
  /** The runtime client the child runs (our bootstrap by default). */
  runtimeCommand: RuntimeCommand;
  /** LAMBDA_RUNTIME_DIR: where the runtime client lives. */
  runtimeDir: string;
  /**
   * Most environments (processes) of the function at once, default 10; the function's
   * `ReservedConcurrentExecutions` lowers it.
   */
  concurrency?: number;
  /** An environment idle this long is stopped (default 5 minutes). */
  idleTimeoutMs?: number;
  /**
   * V8's tier-up thresholds in the environments (Node runtime clients): `'scaled'` (default)
   * divides them by `concurrency`, `'lambda'` keeps V8's own (`tierUpArgs` in nodeArgs.ts).
   */
  v8Tiering?: V8Tiering;
}

/** How many environments a function has, by state. */
export interface EnvironmentCounts {
  starting: number;
  idle: number;
  busy: number;
  /** Invocations waiting for an environment. */
  queued: number;
}
