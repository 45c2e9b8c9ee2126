import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startBackends } from '../../src/backends/startBackends.js';
import { type LocalCloudDescriptor, startLocalCloud } from '../../src/cloud/startLocalCloud.js';
import { consoleLog } from '../../src/dev/log.js';

declare module 'vitest' {
  export interface ProvidedContext {
    fixtureCloud: LocalCloudDescriptor;
  }
}

const packageDir = path.resolve(import.meta.dirname, '../..');

/**
 * Boot the local cloud once for the e2e project: the backends (embedded, or
 * AWS_ENDPOINT_URL such as moto_server), then the runner's fixture stack on them. The runner's output (and
 * every function's log) goes to reports/e2e-local-cloud.log. Local shortcuts keep the
 * suite fast: failed SQS messages come back after 1 s, asynchronous retries after 0.1 s.
 */
export default async function setup(project: TestProject) {
  const logFile = path.join(packageDir, 'reports', 'e2e-local-cloud.log');
  mkdirSync(path.dirname(logFile), { recursive: true });
  writeFileSync(logFile, '');
  const log = consoleLog({ write: (text) => writeFileSync(logFile, text, { flag: 'a' }) });
  const external = process.env.AWS_ENDPOINT_URL;
  const backends = await startBackends(external ? { externalEndpoint: external } : {});
  const suffix = Date.now().toString(36);
  const fixture = await startLocalCloud({
    templatePath: path.join(packageDir, 'tests', 'fixtures', 'template.yaml'),
    backends,
    stackName: `fixture-${suffix}`,
    port: 0,
    log,
    sqsRetryDelaySeconds: 1,
    sqsWaitTimeSeconds: 2,
    asyncRetryDelaysMs: [100, 200],
  });
  project.provide('fixtureCloud', fixture.describe());
  return async () => {
    await fixture.stop();
    await backends.stop();
  };
}
