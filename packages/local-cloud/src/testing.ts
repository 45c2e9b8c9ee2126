// Brings the `localBackends` type of Vitest's provided context into every program that uses this.

import { execFileSync } from 'node:child_process';
import { inject } from 'vitest';
import { connectBackends } from './backends/connect.js';
import type { Backends } from './backends/types.js';
import { type BackendClients, backendClients } from './clients.js';
import { FaultsClient } from './faults/FaultsClient.js';
import type { Faults } from './faults/types.js';
import type {} from './vitest/globalSetup.js';

/**
 * In an integration test: the backends the global setup started, and SDK clients for them.
 *
 * @example
 * const { backends, clients } = useBackends();
 */
export const useBackends = (): { backends: Backends; clients: BackendClients } => {
  const backends = connectBackends(inject('localBackends'));
  return { backends, clients: backendClients(backends) };
};

/**
 * In an integration test: the fault rules of the proxies in front of the backends the global
 * setup started (embedded, or AWS_ENDPOINT_URL such as moto_server), from this worker. Each
 * call gives its own owner: `clear()` removes only the rules it added. Test files run side
 * by side on the same backends, so scope a rule to your own resources with `body` or `path`
 * (a unique table, queue or bucket name), or its counts include other files' requests.
 *
 * @example
 * const faults = useFaults();
 * afterEach(() => faults.clear());
 * const id = await faults.add({
 *   service: 'ses', operation: 'SendEmail', body: orderId,
 *   error: { status: 503, code: 'ServiceUnavailable' }, times: 2,
 * });
 * // ... act ...
 * expect(await faults.applied(id)).toBe(2);
 */
export const useFaults = (): Faults => {
  const { faultsUrl } = inject('localBackends');
  if (faultsUrl === undefined) {
    throw new Error('these backends have no fault proxy (started with faultProxy: false)');
  }
  return new FaultsClient(faultsUrl);
};

/** A name unique to this test run, so tests sharing one backend never see each other's data. */
export const uniqueName = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export type {
  FaultError,
  FaultRuleInput,
  FaultRuleStats,
  FaultService,
  Faults,
  TextMatch,
} from './faults/types.js';
export { readStreamEvent, type StreamEvent } from './triggers/dynamodb/readStream.js';

/** Poll until `check` returns a value (not undefined), or fail after `timeoutMs`. */
export const eventually = async <T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`,
  );
};

/**
 * Every process below `pid` (ps works on Linux and macOS): what a stopped CLI must not leave.
 *
 * @example
 * expect(descendants(cli.pid).filter(isAlive)).toEqual([]);
 */
export const descendants = (pid: number): number[] => {
  const table = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const [child, ppid] of table) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
};
