import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startBackends } from '../../src/backends/startBackends.js';
import { type LocalCloudDescriptor, startLocalCloud } from '../../src/cloud/startLocalCloud.js';
import { buildPackage } from '../../src/dev/buildPackage.js';
import { consoleLog, type RunnerLog } from '../../src/dev/log.js';
import { loadTemplate } from '../../src/template/parseTemplate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    fixtureCloud: LocalCloudDescriptor;
    systemCloud: LocalCloudDescriptor;
  }
}

const packageDir = path.resolve(import.meta.dirname, '../..');
const repoRoot = path.resolve(packageDir, '../..');

// The system stack runs the services' bundles. `pnpm test` builds them first (turbo); a
// missing bundle (a fresh clone, tests run on their own) is built here.
const buildMissingServices = async (log: RunnerLog) => {
  const template = await loadTemplate(path.join(repoRoot, 'template.yaml'));
  const missing = new Set<string>();
  for (const resource of Object.values(template.Resources)) {
    const codeUri = resource.Properties?.CodeUri;
    if (resource.Type !== 'AWS::Serverless::Function' || typeof codeUri !== 'string') continue;
    if (existsSync(path.join(repoRoot, codeUri))) continue;
    const service = /^(services\/[^/]+)\//.exec(codeUri)?.[1];
    if (service) missing.add(path.join(repoRoot, service));
  }
  for (const dir of missing) {
    if (!(await buildPackage(dir, log)))
      throw new Error(`cannot build ${dir} (see ${path.relative(repoRoot, dir)})`);
  }
};

/**
 * Boot the local cloud once for the e2e project: the backends (embedded, or
 * AWS_ENDPOINT_URL such as moto_server), then two stacks on them: the runner's fixture
 * stack and the shop itself from the repository's template.yaml. The runner's output (and
 * every function's log) goes to reports/e2e-local-cloud.log. Local shortcuts keep the
 * suite fast: failed SQS messages come back after 1 s, batching windows are capped at 1 s.
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
  await buildMissingServices(log);
  const system = await startLocalCloud({
    templatePath: path.join(repoRoot, 'template.yaml'),
    backends,
    stackName: `shop-e2e-${suffix}`,
    port: 0,
    log,
    sqsRetryDelaySeconds: 1,
    sqsWaitTimeSeconds: 2,
    maxBatchingWindowSeconds: 1,
    asyncRetryDelaysMs: [200, 400],
  });
  project.provide('systemCloud', system.describe());
  return async () => {
    await system.stop();
    await fixture.stop();
    await backends.stop();
  };
}
