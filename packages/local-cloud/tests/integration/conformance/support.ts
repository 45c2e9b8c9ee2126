import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Backends } from '../../../src/backends/types.js';

const run = promisify(execFile);

/**
 * The conformance suite runs every line on whatever backends the run uses: the embedded ones,
 * or AWS_ENDPOINT_URL (moto_server in CI). A line the embedded backend is known to get wrong
 * is written as the AWS behaviour and marked with this, so it fails loudly the day the gap
 * closes (and is listed in the README's fidelity table).
 */
export const embeddedGap = (backends: Backends): boolean => backends.mode === 'embedded';

/**
 * The same for a known gap of moto_server, the AWS_ENDPOINT_URL backend CI runs (moto 5.2);
 * with another endpoint (LocalStack, AWS) such a line would report an unexpected pass.
 */
export const motoGap = (backends: Backends): boolean => backends.mode === 'external';

/** The AWS CLI (v1 or v2) against one of the backends' endpoints; JSON output parsed. */
export const awsCli = async (
  backends: Backends,
  endpoint: string,
  args: string[],
): Promise<{ stdout: string; json: unknown }> => {
  const { stdout } = await run('aws', ['--endpoint-url', endpoint, '--output', 'json', ...args], {
    env: {
      ...process.env,
      AWS_DEFAULT_REGION: backends.region,
      AWS_REGION: backends.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_PAGER: '',
      // The CLI must talk to the endpoint given, not a profile's.
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  const text = stdout.trim();
  return {
    stdout,
    json: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : undefined,
  };
};

/** Collect an async iterable's items (SDK paginators). */
export const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};
