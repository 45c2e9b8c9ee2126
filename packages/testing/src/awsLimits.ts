import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AwsCallLimits, worstCaseCallMs } from '@shop/common/aws';
import { functionTimeoutMs } from './template.js';

/** A service's `AWS_LIMITS`: one entry per client plus the invocation's deadline margin. */
export type ServiceAwsLimits = { deadlineMarginMs: number } & Record<
  string,
  AwsCallLimits | number
>;

/**
 * Why `limits` would not let one call of every client end before the invocation's deadline
 * inside `functionLogicalId`'s Timeout in template.yaml (empty when they do): the deadline
 * margin must be at least a second and each client's worst case (every attempt to its
 * timeouts, plus backoff) shorter than the function's timeout minus that margin.
 *
 * @example
 * expect(awsLimitsProblems(AWS_LIMITS, 'IndexerFunction')).toEqual([]);
 */
export const awsLimitsProblems = (
  limits: ServiceAwsLimits,
  functionLogicalId: string,
): string[] => {
  const { deadlineMarginMs, ...clients } = limits;
  const budgetMs = functionTimeoutMs(functionLogicalId) - deadlineMarginMs;
  const problems: string[] = [];
  if (deadlineMarginMs < 1_000) problems.push(`deadlineMarginMs ${deadlineMarginMs} < 1000`);
  if (budgetMs <= 0) problems.push(`no time left for AWS calls (${budgetMs} ms)`);
  for (const [name, client] of Object.entries(clients)) {
    if (typeof client === 'number') continue;
    const worst = worstCaseCallMs(client);
    if (worst >= budgetMs) problems.push(`${name}: worst case ${worst} ms >= ${budgetMs} ms`);
  }
  return problems;
};

/** A local endpoint that accepts every request and never answers. */
export interface StalledEndpoint {
  readonly url: string;
  /** Requests received so far. */
  readonly requests: number;
  close(): void;
}

/**
 * Start a local HTTP endpoint that accepts and never answers: the fault that a client's
 * timeouts and the invocation deadline must end.
 *
 * @example
 * const stalled = await stalledEndpoint();
 * const client = createAwsClient(S3Client, 'S3', { ...AWS_LIMITS.s3, endpoint: stalled.url });
 */
export const stalledEndpoint = async (): Promise<StalledEndpoint> => {
  let requests = 0;
  const server = createServer(() => {
    requests += 1;
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return requests;
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
};

/** Credentials and region for a client pointed at a local endpoint. */
export const LOCAL_CLIENT_SETTINGS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
} as const;
