// API throughput: GET /orders/{id} and POST /orders through local-cloud's HTTP API server
// (authorizer + API function, each in its own warm environment) at fixed concurrency, with
// autocannon in a separate process, bounded in time, loopback only.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LocalCloud } from '@shop/local-cloud/cloud';
import { customerToken, ORDER_BODY } from '../lib/shopCloud.ts';

const run = promisify(execFile);
const child = path.join(import.meta.dirname, '..', 'children', 'loadChild.mjs');

export interface ApiRow {
  route: string;
  connections: number;
  durationSeconds: number;
  requests: number;
  rps: number;
  latency: { p50: number; p99: number; average: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, { count?: number }>;
  /** Requests of the whole run, the warm-up's included. */
  windowRequests: number;
  /** The load generator's own CPU time over the whole run, in ms. */
  cpuMs: number;
}

export interface ApiOptions {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

export const measureApi = async (
  cloud: LocalCloud,
  options: ApiOptions,
  progress: (text: string) => void,
): Promise<ApiRow[]> => {
  const apiUrl = cloud.describe().apiUrl;
  if (apiUrl === undefined || !apiUrl.startsWith('http://127.0.0.1:'))
    throw new Error(`expected the HTTP API on loopback, got ${apiUrl}`);
  const headers = {
    authorization: `Bearer ${await customerToken(cloud)}`,
    'content-type': 'application/json',
  };
  const body = JSON.stringify(ORDER_BODY);
  const placed = await fetch(`${apiUrl}/orders`, { method: 'POST', headers, body });
  const { orderId } = (await placed.json()) as { orderId?: string };
  if (placed.status !== 201 || orderId === undefined)
    throw new Error(`POST /orders answered ${placed.status}`);
  const routes = [
    { route: 'GET /orders/{orderId}', url: `${apiUrl}/orders/${orderId}`, method: 'GET' },
    { route: 'POST /orders', url: `${apiUrl}/orders`, method: 'POST', body },
  ];
  const rows: ApiRow[] = [];
  // GET first: every POST writes an order (DynamoDB only) whose stream record the publisher
  // turns into an event that the email function then works off in the background (as it
  // would in `pnpm dev`).
  for (const route of routes) {
    progress(
      `api: ${route.route} (${options.connections} connections, ${options.durationSeconds} s)`,
    );
    rows.push(await loadRoute({ ...route, headers }, options));
  }
  return rows;
};

/** One route under load: autocannon in its own process, warm-up then the measured run. */
export const loadRoute = async (
  route: { route: string; url: string; method: string; body?: string; headers: object },
  options: ApiOptions,
): Promise<ApiRow> => {
  const config = { ...route, ...options };
  const { stdout } = await run(process.execPath, [child, JSON.stringify(config)], {
    maxBuffer: 1 << 20,
    timeout: (options.durationSeconds + options.warmupSeconds + 30) * 1000,
  });
  const result = JSON.parse(stdout) as Omit<ApiRow, 'route' | 'connections'>;
  return { route: route.route, connections: options.connections, ...result };
};
