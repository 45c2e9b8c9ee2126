import type { TestProject } from 'vitest/node';
import { type BackendsDescriptor, describeBackends } from '../backends/connect.js';
import { startBackends } from '../backends/startBackends.js';

declare module 'vitest' {
  export interface ProvidedContext {
    localBackends: BackendsDescriptor;
  }
}

/**
 * Vitest global setup: start the embedded backends once per test run (or use
 * `AWS_ENDPOINT_URL`, e.g. moto_server), point every worker's AWS SDK at them through the
 * standard variables, and stop them at the end.
 *
 * @example
 * // vitest.config.ts
 * export default defineConfig({ test: { globalSetup: ['@shop/local-cloud/vitest'] } });
 * // in a test
 * const backends = connectBackends(inject('localBackends'));
 */
export default async function setup(project: TestProject) {
  const externalEndpoint = process.env.AWS_ENDPOINT_URL;
  const backends = await startBackends(externalEndpoint ? { externalEndpoint } : {});
  // Workers start after this and inherit the environment.
  Object.assign(process.env, backends.env);
  project.provide('localBackends', describeBackends(backends));
  return async () => {
    await backends.stop();
  };
}
