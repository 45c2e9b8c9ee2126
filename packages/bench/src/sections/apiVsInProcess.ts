// The local API next to the same handler called in-process, in one run (issue 14's goal:
// local API throughput with 10 connections >= 50 % of 10 concurrent in-process callers, and
// the runner's overhead per call <= 1 ms p50). Both sides use the same backends (the
// embedded ones this process serves) and the same bundle; rounds alternate ABBA.
//
// - API side: autocannon (own process) -> HTTP API server -> authorizer (cached per token, as
//   HTTP API does) -> OrdersApiFunction through the runner's environments.
// - In-process side: a child with the function's environment imports the bundle once and
//   calls its handler from `connections` concurrent callers, with the event the HTTP API would
//   build (the authorizer's context included).
// - Overhead: the same event invoked one at a time through the runner (`LambdaFunction`:
//   Runtime API, JSON both ways, output piped) and in-process, interleaved; p50 minus p50;
//   measured first, before the load rounds leave a backlog of orders to publish and email.
// - Warm-up: before a route's rounds, each side serves it unmeasured. The in-process side is
//   one V8 isolate; the API side is up to 10 environments, each of which compiles and
//   optimises the same code on its own (V8 tiers code up per process) with a tenth of the
//   calls, and the least recently used of them get the fewest. For GET each side is served
//   in 5 s windows until it is steady (warmUntilSteady: two windows in a row that beat the
//   best before them by no more than 3 %), at least 10 s (in-process) or 30 s (API) and at
//   most 90 s: on 2 cores the API side kept rising for 30-60 s, by a different time on each
//   boot. POST gets 10 s a side: each order placed is then published and emailed, and a
//   longer warm-up would leave a backlog for the rounds. Without a warm-up the first rounds
//   measure ten JIT warm-ups against one. Each round's own figures, and each warm-up
//   window's req/s, are kept in the results (`rounds`, `warmup`).
import type { ChildProcess } from 'node:child_process';
import type { LocalCloud } from '@shop/local-cloud/cloud';
import { childReply } from '../lib/childReply.ts';
import { type CpuPerRequest, meanCpu, withCpu } from '../lib/cpu.ts';
import { CUSTOMER, customerToken, ORDER_BODY, sampleEvent } from '../lib/shopCloud.ts';
import { type Latency, latency, percentile, ratio, round } from '../lib/stats.ts';
import { type ApiOptions, loadRoute } from './apiThroughput.ts';
import { direct, directChild, REPLY_MARGIN_MS, startDirect } from './warmInvoke.ts';

// biome-ignore lint/suspicious/noExplicitAny: sample events are edited in place by path
type Json = any;

export interface SideResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  failures: number;
  /** Where the machine's CPU time went, per request (Linux only; lib/cpu.ts). */
  cpu?: CpuPerRequest;
}

export interface ApiVsInProcessRow {
  route: string;
  /** Each round's figures, in order (the ratio moves as the environments warm up). */
  rounds: Array<{ api: SideResult; inProcess: SideResult }>;
  /** Per side: the mean over rounds of req/s, p50 and p99; requests and failures summed. */
  api: SideResult;
  inProcess: SideResult;
  /** api req/s / in-process req/s (goal >= 0.5). */
  rpsRatio: number;
  /** Each unmeasured warm-up window's req/s, per side. */
  warmup: { api: number[]; inProcess: number[] };
}

export interface OverheadRow {
  route: string;
  runner: Latency;
  inProcess: Latency;
  /** runner p50 - in-process p50 (goal <= 1 ms). */
  overheadMs: number;
}

/**
 * What separate environments can reach on this machine with no runner at all: the handler
 * in `isolates` in-process children, one caller each (one invocation at a time per
 * environment, as on Lambda), against one child with as many concurrent callers.
 */
export interface CeilingResult {
  route: string;
  isolates: number;
  rounds: Array<{ separate: SideResult; shared: SideResult }>;
  /** `isolates` children, one caller each. */
  separate: SideResult;
  /** One child, `isolates` concurrent callers (the in-process side above). */
  shared: SideResult;
  /** separate req/s / shared req/s. */
  rpsRatio: number;
  /** Each unmeasured warm-up window's req/s (the separate children). */
  warmup: number[];
}

export interface ApiVsInProcessResult {
  connections: number;
  durationSeconds: number;
  rounds: number;
  /** Most environments per function in the cloud measured (local-cloud's `--concurrency`). */
  environments: number;
  concurrency: string;
  rows: ApiVsInProcessRow[];
  /** Empty when the section was asked for no overhead calls. */
  overhead: OverheadRow[];
  ceiling?: CeilingResult;
}

const FUNCTION_ID = 'OrdersApiFunction';
/** Unmeasured load before a route's rounds (see the header): in-process, and through the API. */
const IN_PROCESS_WARMUP_SECONDS = 10;
const API_WARMUP_SECONDS = 30;
const MAX_WARMUP_SECONDS = 90;
const WARMUP_WINDOW_SECONDS = 5;
/** A warm-up window counts as a rise when it beats the best before it by more than this. */
const RISE = 1.03;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

const summarise = (rounds: SideResult[]): SideResult => {
  const cpu = meanCpu(rounds.map((r) => r.cpu));
  return {
    requests: rounds.reduce((sum, r) => sum + r.requests, 0),
    rps: round(mean(rounds.map((r) => r.rps)), 1),
    p50: round(mean(rounds.map((r) => r.p50))),
    p99: round(mean(rounds.map((r) => r.p99))),
    failures: rounds.reduce((sum, r) => sum + r.failures, 0),
    ...(cpu === undefined ? {} : { cpu }),
  };
};

/** The events the HTTP API hands the function for GET /orders/{id} and POST /orders. */
const apiEvents = async (orderId: string) => {
  const place: Json = structuredClone(await sampleEvent('orders-api', 'placeOrder'));
  place.body = JSON.stringify(ORDER_BODY);
  delete place.headers['idempotency-key'];
  delete place.headers['content-length'];
  place.requestContext.authorizer.lambda.customerId = CUSTOMER.id;
  const get: Json = structuredClone(await sampleEvent('orders-api', 'getOrder'));
  get.rawPath = `/orders/${orderId}`;
  get.requestContext.http.path = get.rawPath;
  get.pathParameters = { orderId };
  get.requestContext.authorizer.lambda.customerId = CUSTOMER.id;
  return { get, place };
};

export const measureApiVsInProcess = async (
  cloud: LocalCloud,
  options: ApiOptions & {
    rounds: number;
    /** Calls a side for the runner's overhead; 0 skips it. */
    overheadCalls: number;
    /** Also measure {@link CeilingResult} (GET). */
    ceiling?: boolean;
  },
  progress: (text: string) => void,
): Promise<ApiVsInProcessResult> => {
  const apiUrl = cloud.describe().apiUrl;
  if (apiUrl === undefined) throw new Error('the template has no HTTP API');
  const headers = {
    authorization: `Bearer ${await customerToken(cloud)}`,
    'content-type': 'application/json',
  };
  const body = JSON.stringify(ORDER_BODY);
  const placed = await fetch(`${apiUrl}/orders`, { method: 'POST', headers, body });
  const { orderId } = (await placed.json()) as { orderId?: string };
  if (placed.status !== 201 || orderId === undefined)
    throw new Error(`POST /orders answered ${placed.status}`);
  const events = await apiEvents(orderId);
  const routes = [
    {
      route: 'GET /orders/{orderId}',
      http: { url: `${apiUrl}/orders/${orderId}`, method: 'GET', headers },
      event: events.get,
      apiWarmupSeconds: API_WARMUP_SECONDS,
      untilSteady: true,
    },
    {
      route: 'POST /orders',
      http: { url: `${apiUrl}/orders`, method: 'POST', body, headers },
      event: events.place,
      // Every order placed is published and emailed afterwards (one FIFO message group: one
      // at a time); a longer warm-up would leave a backlog that the rounds would measure.
      apiWarmupSeconds: IN_PROCESS_WARMUP_SECONDS,
      untilSteady: false,
    },
  ];
  const fn = cloud.functions.get(FUNCTION_ID);
  const proc = await startDirect(cloud, FUNCTION_ID);
  try {
    // First, while no backlog of orders is being published and emailed (the section starts
    // with the queues drained): after the POST rounds that work would share the cores and the
    // runner's event loop with the calls measured here.
    const overhead: OverheadRow[] = [];
    for (const route of options.overheadCalls > 0 ? routes : []) {
      progress(`runner overhead: ${route.route}, ${options.overheadCalls} calls a side`);
      const samples = { runner: [] as number[], inProcess: [] as number[] };
      const perRound = Math.ceil(options.overheadCalls / 4);
      await direct(
        proc,
        Array.from({ length: 5 }, () => route.event),
      );
      for (let i = 0; i < 5; i++) await fn.invoke(route.event);
      for (let r = 0; r < 4; r++) {
        const batch = Array.from({ length: perRound }, () => route.event);
        const runner = async () => {
          for (const event of batch) {
            const started = performance.now();
            await fn.invoke(event);
            samples.runner.push(performance.now() - started);
          }
        };
        const inProc = async () => {
          samples.inProcess.push(...(await direct(proc, batch)).latenciesMs);
        };
        if (r % 2 === 0) {
          await runner();
          await inProc();
        } else {
          await inProc();
          await runner();
        }
      }
      const runner = latency(samples.runner);
      const inProcess = latency(samples.inProcess);
      overhead.push({
        route: route.route,
        runner,
        inProcess,
        overheadMs: round(runner.p50 - inProcess.p50),
      });
    }
    const rows: ApiVsInProcessRow[] = [];
    let ceiling: CeilingResult | undefined;
    for (const route of routes) {
      progress(
        `api vs in-process: ${route.route}, warm-up (${route.untilSteady ? `until steady, ${route.apiWarmupSeconds}-${MAX_WARMUP_SECONDS}` : route.apiWarmupSeconds} s API, ${route.untilSteady ? `until steady, ${IN_PROCESS_WARMUP_SECONDS}-${MAX_WARMUP_SECONDS}` : IN_PROCESS_WARMUP_SECONDS} s in-process)`,
      );
      const apiWindow = (seconds: number) =>
        apiLoad({ route: route.route, ...route.http }, unmeasured(options, seconds));
      const inProcessWindow = (seconds: number) =>
        inProcessLoad(proc, route.event, unmeasured(options, seconds));
      const warmup = {
        api: route.untilSteady
          ? await warmUntilSteady(apiWindow, route.apiWarmupSeconds)
          : [(await apiWindow(route.apiWarmupSeconds)).rps],
        inProcess: route.untilSteady
          ? await warmUntilSteady(inProcessWindow, IN_PROCESS_WARMUP_SECONDS)
          : [(await inProcessWindow(IN_PROCESS_WARMUP_SECONDS)).rps],
      };
      const rounds = await abbaRounds(
        options.rounds,
        `api vs in-process: ${route.route}`,
        ['api', () => apiLoad({ route: route.route, ...route.http }, options)],
        ['inProcess', () => inProcessLoad(proc, route.event, options)],
        progress,
      );
      const api = summarise(rounds.map(([round]) => round));
      const inProcess = summarise(rounds.map(([, round]) => round));
      rows.push({
        route: route.route,
        rounds: rounds.map(([apiRound, inProcessRound]) => ({
          api: apiRound,
          inProcess: inProcessRound,
        })),
        api,
        inProcess,
        rpsRatio: ratio(api.rps, inProcess.rps),
        warmup,
      });
      // GET only, right after its rows: before the POST rounds leave orders to publish and
      // email on the same cores.
      if (options.ceiling === true && route === routes[0])
        ceiling = await measureCeiling(cloud, proc, route, options, progress);
    }
    return {
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      rounds: options.rounds,
      environments: fn.concurrency,
      concurrency: `up to ${fn.concurrency} environments per function`,
      rows,
      overhead,
      ...(ceiling === undefined ? {} : { ceiling }),
    };
  } finally {
    proc.kill();
  }
};

/**
 * {@link CeilingResult}: `connections` more in-process children, each warmed up as long as
 * the API side's environments (each tiers V8 up on its own), then rounds ABBA against the
 * one child with `connections` callers.
 */
const measureCeiling = async (
  cloud: LocalCloud,
  shared: ChildProcess,
  route: { route: string; event: unknown },
  options: ApiOptions & { rounds: number },
  progress: (text: string) => void,
): Promise<CeilingResult> => {
  const isolates = options.connections;
  const started = await Promise.allSettled(
    Array.from({ length: isolates }, () => startDirect(cloud, FUNCTION_ID)),
  );
  const separate = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed !== undefined) {
    // One did not start: stop the others rather than leave them running.
    for (const proc of separate) proc.kill();
    throw failed.reason;
  }
  try {
    progress(
      `ceiling: ${route.route}, ${isolates} in-process children with one caller each, warm-up (until steady, ${API_WARMUP_SECONDS}-${MAX_WARMUP_SECONDS} s)`,
    );
    const warmup = await warmUntilSteady(
      (seconds) => childrenLoad(separate, route.event, 1, unmeasured(options, seconds)),
      API_WARMUP_SECONDS,
    );
    const rounds = await abbaRounds(
      options.rounds,
      `ceiling: ${route.route}`,
      ['separate', () => childrenLoad(separate, route.event, 1, options)],
      ['shared', () => inProcessLoad(shared, route.event, options)],
      progress,
    );
    const separateSide = summarise(rounds.map(([round]) => round));
    const sharedSide = summarise(rounds.map(([, round]) => round));
    return {
      route: route.route,
      isolates,
      rounds: rounds.map(([separateRound, sharedRound]) => ({
        separate: separateRound,
        shared: sharedRound,
      })),
      separate: separateSide,
      shared: sharedSide,
      rpsRatio: ratio(separateSide.rps, sharedSide.rps),
      warmup,
    };
  } finally {
    for (const proc of separate) proc.kill();
  }
};

/** The load options for `seconds` of unmeasured load (no warm-up of its own). */
const unmeasured = (options: ApiOptions, seconds: number): ApiOptions => ({
  ...options,
  durationSeconds: seconds,
  warmupSeconds: 0,
});

/**
 * Serve load in windows of {@link WARMUP_WINDOW_SECONDS} until it is steady: at least
 * `minSeconds`, then until two windows in a row beat the best window before them by no more
 * than {@link RISE}, at most {@link MAX_WARMUP_SECONDS}. Returns each window's req/s.
 */
export const warmUntilSteady = async (
  load: (seconds: number) => Promise<Pick<SideResult, 'rps'>>,
  minSeconds: number,
  maxSeconds = MAX_WARMUP_SECONDS,
  windowSeconds = WARMUP_WINDOW_SECONDS,
): Promise<number[]> => {
  const windows: number[] = [];
  let best = 0;
  let flat = 0;
  for (let served = 0; served < maxSeconds; served += windowSeconds) {
    const { rps } = await load(windowSeconds);
    windows.push(rps);
    flat = rps > best * RISE ? 0 : flat + 1;
    best = Math.max(best, rps);
    if (served + windowSeconds >= minSeconds && flat >= 2) break;
  }
  return windows;
};

/**
 * `count` rounds of two sides, ABBA (the first side first in even rounds): each round's pair
 * of results, first side first.
 */
const abbaRounds = async (
  count: number,
  label: string,
  first: readonly [name: string, load: () => Promise<SideResult>],
  second: readonly [name: string, load: () => Promise<SideResult>],
  progress: (text: string) => void,
): Promise<Array<[SideResult, SideResult]>> => {
  const rounds: Array<[SideResult, SideResult]> = [];
  for (let r = 0; r < count; r++) {
    const pair: SideResult[] = [];
    for (const side of r % 2 === 0 ? [0, 1] : [1, 0]) {
      const [name, load] = side === 0 ? first : second;
      progress(`${label}, round ${r + 1}, ${name}`);
      pair[side] = await load();
    }
    rounds.push(pair as [SideResult, SideResult]);
  }
  return rounds;
};

/** One side through the local API (autocannon), in the in-process side's terms. */
const apiLoad = async (
  route: Parameters<typeof loadRoute>[0],
  options: ApiOptions,
): Promise<SideResult> => {
  const {
    windowRequests: _requests,
    loadGeneratorCpuMs: _generator,
    ...side
  } = await withCpu(async () => {
    const row = await loadRoute(route, options);
    return {
      requests: row.requests,
      rps: row.rps,
      p50: row.latency.p50,
      p99: row.latency.p99,
      failures: row.non2xx + row.errors + row.timeouts,
      windowRequests: row.windowRequests,
      loadGeneratorCpuMs: row.cpuMs,
    };
  });
  return side;
};

type LoadReply = { latenciesMs: number[]; seconds: number; failures: number; windowCalls: number };

/**
 * Load on in-process children at once, `callersEach` concurrent callers in each, for the
 * same time; one result over all of them (req/s summed, percentiles over every call).
 */
const childrenLoad = async (
  procs: readonly ChildProcess[],
  event: unknown,
  callersEach: number,
  options: ApiOptions,
): Promise<SideResult> => {
  const { windowRequests: _requests, ...side } = await withCpu(async () => {
    const replies = await childrenReplies(procs, event, callersEach, options);
    const latencies = replies.flatMap((reply) => reply.latenciesMs);
    const seconds = Math.max(...replies.map((reply) => reply.seconds));
    return {
      requests: latencies.length,
      rps: round(latencies.length / seconds, 1),
      p50: round(percentile(latencies, 50)),
      p99: round(percentile(latencies, 99)),
      failures: replies.reduce((sum, reply) => sum + reply.failures, 0),
      windowRequests: replies.reduce((sum, reply) => sum + reply.windowCalls, 0),
    };
  });
  return side;
};

/**
 * Every child's answer to one load window. Each may take the window (warm-up included), then
 * at most the function's Timeout for the calls still in flight, plus a margin; a child that
 * exits or takes longer fails the section with an error naming it.
 */
const childrenReplies = (
  procs: readonly ChildProcess[],
  event: unknown,
  callersEach: number,
  options: ApiOptions,
): Promise<LoadReply[]> => {
  const durationMs = options.durationSeconds * 1000;
  const warmupMs = options.warmupSeconds * 1000;
  return Promise.all(
    procs.map((proc) => {
      const info = directChild(proc);
      return childReply<LoadReply>(
        proc,
        { load: { event, connections: callersEach, durationMs, warmupMs } },
        {
          name: info.name,
          timeoutMs: warmupMs + durationMs + info.callTimeoutMs + REPLY_MARGIN_MS,
          detail: info.stderr,
        },
      );
    }),
  );
};

const inProcessLoad = (proc: ChildProcess, event: unknown, options: ApiOptions) =>
  childrenLoad([proc], event, options.connections, options);
