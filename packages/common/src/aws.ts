/**
 * AWS SDK v3 clients whose every call ends in bounded time.
 *
 * Three bounds, from the inside out:
 * 1. Per attempt: `requestHandler` is a NodeHttpHandler options object with `connectionTimeout`,
 *    `requestTimeout` (and `socketTimeout`, for a body that stalls after the headers) and
 *    `throwOnRequestTimeout: true`. Without that flag the pinned SDK only logs a warning when
 *    `requestTimeout` passes and keeps waiting (an SES send set to 3 s took 6 s).
 * 2. Per call: `maxAttempts` attempts with the SDK's standard retry strategy (timeouts,
 *    5xx and throttling are retried, with jittered backoff of at most 50/100/200 ms, or
 *    1/2/4 s after throttling). {@link worstCaseCallMs} adds it up for one call.
 * 3. Per invocation: {@link withDeadline} wraps a Lambda handler; every call a client made here
 *    sends while it runs is aborted at `context.getRemainingTimeInMillis() - marginMs`,
 *    backoff sleeps included, and no further attempt starts. The call then rejects with an
 *    {@link AwsDeadlineExceededError}, which the handler maps to its documented outcome
 *    (503 + Retry-After for the API, a failed batch item for consumers) before Lambda's own
 *    timeout would have killed the invocation.
 *
 * The deadline travels in an `AsyncLocalStorage`, so it reaches calls made inside libraries
 * (Powertools idempotency and parameters, the DynamoDB document client) with no `abortSignal`
 * threaded through adapters, and concurrent invocations in one process (local runner) never
 * share one. It is applied by an SDK runtime extension (the request handler) and one
 * `initialize` middleware (the retry loop), both installed by {@link createAwsClient}.
 *
 * Endpoints: the SDK resolves `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE_ID>` (and
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`) itself; the only help it needs is path-style addressing
 * for S3 behind an override, because local backends do not serve `bucket.host` names.
 *
 * @example
 * const dynamodb = createAwsClient(DynamoDBClient, 'DynamoDB', {
 *   connectionTimeoutMs: 500,
 *   requestTimeoutMs: 2_000,
 *   maxAttempts: 3,
 * });
 * export const handler = withDeadline(createApiHandler({ ... }), { marginMs: 1_000 });
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { type Environment, processEnvironment } from './config.js';

/** How long one AWS call may take: per attempt, and how many attempts. */
export interface AwsCallLimits {
  /** Per attempt: establishing the connection. */
  connectionTimeoutMs: number;
  /** Per attempt: from sending the request to the response headers, and the longest idle gap. */
  requestTimeoutMs: number;
  /** Attempts per call, the first one included. */
  maxAttempts: number;
}

/** What a client gets when its wiring names no limits: 3 x 5 s, connect within 1 s. */
export const DEFAULT_AWS_CALL_LIMITS: Readonly<AwsCallLimits> = Object.freeze({
  connectionTimeoutMs: 1_000,
  requestTimeoutMs: 5_000,
  maxAttempts: 3,
});

/** The SDK's longest backoff before retry `i` (0-based): throttling base 1 s, doubling. */
const MAX_BACKOFF_MS = (retry: number) => Math.min(20_000, 1_000 * 2 ** retry);

/**
 * The longest one call can take under `limits` with no deadline: every attempt running to its
 * request timeout, plus the longest backoff between them (throttling's, the larger). A
 * `Retry-After` hint may stretch a backoff by up to 5 s more, and the request timeout ends at
 * the response headers (a body that trickles in is bounded only by the socket's idle timeout):
 * the invocation deadline (`withDeadline`) still caps both.
 *
 * @example
 * worstCaseCallMs({ connectionTimeoutMs: 500, requestTimeoutMs: 2_000, maxAttempts: 3 });
 * // 9_000 (3 x 2 s + 1 s + 2 s)
 */
export const worstCaseCallMs = (limits: AwsCallLimits): number => {
  let total = limits.maxAttempts * limits.requestTimeoutMs;
  for (let retry = 0; retry < limits.maxAttempts - 1; retry += 1) total += MAX_BACKOFF_MS(retry);
  return total;
};

/** An AWS call was cut short because the invocation's time budget ran out. */
export class AwsDeadlineExceededError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AwsDeadlineExceededError';
  }
}

interface Budget {
  /** Epoch milliseconds. */
  deadline: number;
  signal: AbortSignal;
}

const budgets = new AsyncLocalStorage<Budget>();

/** The longest delay `setTimeout` takes (2^31 - 1 ms); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Run `fn` so that every AWS call a {@link createAwsClient} client sends inside it ends by
 * `deadline` (epoch ms). Nested deadlines keep the earlier one.
 *
 * @example
 * await runWithDeadline(Date.now() + 2_000, () => client.send(new ListTablesCommand({})));
 */
export const runWithDeadline = async <T>(deadline: number, fn: () => Promise<T>): Promise<T> => {
  const effective = Math.min(deadline, budgets.getStore()?.deadline ?? Number.POSITIVE_INFINITY);
  const budgetMs = Math.max(0, Math.floor(effective - Date.now()));
  const controller = new AbortController();
  const expire = () =>
    controller.abort(
      new AwsDeadlineExceededError(`the time budget for AWS calls (${budgetMs} ms) ran out`),
    );
  // A budget past setTimeout's range (about 24.8 days) would fire after 1 ms: no timer then.
  const timer = budgetMs > 0 && budgetMs <= MAX_TIMER_MS ? setTimeout(expire, budgetMs) : undefined;
  if (budgetMs === 0) expire();
  try {
    return await budgets.run({ deadline: effective, signal: controller.signal }, fn);
  } finally {
    clearTimeout(timer);
  }
};

/** The part of the Lambda context {@link withDeadline} reads. */
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

/**
 * Wrap a Lambda handler so AWS calls made during an invocation end `marginMs` before the
 * function's timeout, leaving that margin to map the failure (503, failed batch item) and
 * answer. A context without `getRemainingTimeInMillis` (some test fixtures) sets no deadline.
 *
 * @example
 * export const handler = withDeadline(createEmailHandler({ ... }), { marginMs: 2_000 });
 */
export const withDeadline =
  <Event, Context, Result, Rest extends unknown[]>(
    handler: (event: Event, context: Context, ...rest: Rest) => Promise<Result>,
    { marginMs }: { marginMs: number },
  ) =>
  (event: Event, context: Context, ...rest: Rest): Promise<Result> => {
    const remaining = (context as Partial<RemainingTime> | undefined)?.getRemainingTimeInMillis;
    if (typeof remaining !== 'function') return handler(event, context, ...rest);
    const deadline = Date.now() + remaining.call(context) - marginMs;
    return runWithDeadline(deadline, () => handler(event, context, ...rest));
  };

/** True when an SDK endpoint override is configured (the SDK resolves which one itself). */
const hasEndpointOverride = (serviceId: string, env: Environment): boolean => {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return false;
  const specific = `AWS_ENDPOINT_URL_${serviceId.toUpperCase().replace(/[\s-]+/g, '_')}`;
  return Boolean(env[specific] || env.AWS_ENDPOINT_URL);
};

// Structural views of the SDK's request handler and middleware stack: @shop/common does not
// depend on @smithy/* directly.
interface HandlerOptions {
  abortSignal?: AbortSignal;
  [key: string]: unknown;
}
interface RequestHandlerLike {
  handle(request: unknown, options?: HandlerOptions): Promise<unknown>;
  updateHttpClientConfig?(key: never, value: never): void;
  httpHandlerConfigs?(): unknown;
  destroy?(): void;
  metadata?: unknown;
}
interface HttpHandlerExtension {
  httpHandler(): RequestHandlerLike;
  setHttpHandler(handler: RequestHandlerLike): void;
}
type Middleware = (
  next: (args: unknown) => Promise<unknown>,
  context: { __smithy_context?: { abortSignal?: AbortSignal } },
) => (args: unknown) => Promise<unknown>;
interface StackLike {
  middlewareStack: { add(middleware: Middleware, options: object): void };
}

const withBudget = (signal: AbortSignal | undefined, budget: Budget): AbortSignal =>
  signal ? AbortSignal.any([signal, budget.signal]) : budget.signal;

/** Every attempt's HTTP request is aborted when the invocation's budget runs out. */
const deadlineBoundHandler = (inner: RequestHandlerLike): RequestHandlerLike => ({
  handle: (request, options = {}) => {
    const budget = budgets.getStore();
    if (budget === undefined) return inner.handle(request, options);
    return inner.handle(request, {
      ...options,
      abortSignal: withBudget(options.abortSignal, budget),
    });
  },
  updateHttpClientConfig: (key, value) => inner.updateHttpClientConfig?.(key, value),
  httpHandlerConfigs: () => inner.httpHandlerConfigs?.() ?? {},
  destroy: () => inner.destroy?.(),
  metadata: inner.metadata,
});

const deadlineExtension = {
  configure: (extension: HttpHandlerExtension) =>
    extension.setHttpHandler(deadlineBoundHandler(extension.httpHandler())),
};

/**
 * Outside the retry loop: its backoff sleeps race this signal, so no retry starts (or waits)
 * past the deadline; an abort caused by the deadline surfaces as AwsDeadlineExceededError.
 */
const deadlineMiddleware: Middleware = (next, context) => async (args) => {
  const budget = budgets.getStore();
  if (budget === undefined) return next(args);
  const smithy = context.__smithy_context ?? {};
  const callerSignal = smithy.abortSignal;
  context.__smithy_context = { ...smithy, abortSignal: withBudget(callerSignal, budget) };
  try {
    return await next(args);
  } catch (error) {
    if (budget.signal.aborted && !callerSignal?.aborted) {
      const reason = budget.signal.reason as Error;
      throw new AwsDeadlineExceededError(reason.message, { cause: error });
    }
    throw error;
  }
};

/** Client settings {@link createAwsClient} accepts: the SDK's own, plus {@link AwsCallLimits}. */
export type AwsClientOptions<Config> = Omit<Config, 'requestHandler' | 'maxAttempts'> &
  Partial<AwsCallLimits>;

/** The configuration object an SDK client class takes. */
type ClientConfig<Ctor> = Ctor extends new (
  ...args: infer Args
) => unknown
  ? NonNullable<Args[0]>
  : never;

/**
 * Construct an SDK v3 client with bounded calls: per-attempt timeouts that really throw,
 * `maxAttempts` attempts, and the invocation deadline of {@link withDeadline}. Limits not given
 * come from {@link DEFAULT_AWS_CALL_LIMITS}; `requestHandler` is always built from them. The SDK
 * resolves endpoint overrides; S3 behind one gets path-style addressing. Create clients once,
 * at module scope, so warm invocations reuse their connections.
 *
 * @param serviceId the SDK service id (`S3`, `DynamoDB`, `Secrets Manager`, ...).
 * @param env where to look for endpoint overrides (path-style decision only); default
 *   `process.env`, which is also what the SDK reads.
 *
 * @example
 * const ses = createAwsClient(SESv2Client, 'SESv2', { requestTimeoutMs: 2_500, maxAttempts: 2 });
 */
export const createAwsClient = <Ctor extends new (...args: never[]) => unknown>(
  ClientClass: Ctor,
  serviceId: string,
  options: AwsClientOptions<ClientConfig<Ctor>> = {} as AwsClientOptions<ClientConfig<Ctor>>,
  env: Environment = processEnvironment(),
): InstanceType<Ctor> => {
  const { connectionTimeoutMs, requestTimeoutMs, maxAttempts, ...config } = {
    ...DEFAULT_AWS_CALL_LIMITS,
    ...options,
  };
  const extensions = (config as { extensions?: unknown[] }).extensions ?? [];
  const settings = {
    ...(serviceId === 'S3' && hasEndpointOverride(serviceId, env) ? { forcePathStyle: true } : {}),
    ...config,
    maxAttempts,
    requestHandler: {
      connectionTimeout: connectionTimeoutMs,
      requestTimeout: requestTimeoutMs,
      socketTimeout: requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
    extensions: [...extensions, deadlineExtension],
  };
  const client = new ClientClass(settings as never) as InstanceType<Ctor>;
  (client as unknown as StackLike).middlewareStack.add(deadlineMiddleware, {
    step: 'initialize',
    name: 'shopInvocationDeadline',
    override: true,
  });
  return client;
};
