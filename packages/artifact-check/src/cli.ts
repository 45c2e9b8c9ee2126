// pnpm verify:artifacts: after `sam build`, run every function of .aws-sam/build as Lambda
// would (AWS's aws-lambda-ric behind a Lambda Runtime API, /var/task and /opt laid out from
// the build, the template's environment pointed at local backends), invoke it with every
// sample event in events/ and check the results. Exit status 1 when anything is wrong.
//
// Usage: pnpm verify:artifacts [--build-dir .aws-sam/build] [--only <fn|event>,...]
//          [--verbose] [--keep] [--ric-cache <dir>]
import { existsSync, rmSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { backendClients, startBackends } from '@shop/local-cloud';
import { leakyAncestors } from './artifacts.ts';
import { CASES, STACK_PROFILES } from './cases/index.ts';
import { listEventFiles, mappingProblems, templateFunctionIds } from './coverage.ts';
import { createPrinter, printSummary } from './report.ts';
import { type CaseOutcome, CaseRunner, shortPath } from './runCases.ts';
import { defaultRuntimeClientCache, ensureRuntimeClient } from './runtimeClient.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');
const { values } = parseArgs({
  options: {
    'build-dir': { type: 'string', default: path.join(repoRoot, '.aws-sam', 'build') },
    only: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'ric-cache': { type: 'string', default: defaultRuntimeClientCache(repoRoot) },
  },
});
const out = (line = '') => process.stdout.write(`${line}\n`);
const fail = (message: string): never => {
  process.stderr.write(`artifact-check: ${message}\n`);
  process.exit(1);
};

const started = performance.now();
const buildDir = path.resolve(values['build-dir']);
const templatePath = path.join(buildDir, 'template.yaml');
if (!existsSync(templatePath)) {
  fail(`${templatePath} not found: run \`pnpm build && sam build\` first`);
}
const sourceTemplate = path.join(repoRoot, 'template.yaml');
if (
  existsSync(sourceTemplate) &&
  statSync(sourceTemplate).mtimeMs > statSync(templatePath).mtimeMs
) {
  out('warning: template.yaml changed after the last `sam build`; the build may be stale');
}
const leaks = leakyAncestors(os.tmpdir());
if (leaks.length > 0) {
  fail(
    `${leaks.join(', ')} lies above the temp folder ${os.tmpdir()}: functions laid out there could resolve packages from it, which Lambda never does. Set TMPDIR to a folder with no node_modules above it.`,
  );
}

const only = values.only
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const selected = only
  ? CASES.filter((c) => only.some((o) => c.functionId === o || c.event.includes(o)))
  : CASES;
const eventFiles = await listEventFiles(repoRoot);
const functionIds = await templateFunctionIds(templatePath);
const problems: string[] = only
  ? []
  : mappingProblems({
      cases: CASES,
      eventFiles,
      functionIds,
      profiles: Object.keys(STACK_PROFILES),
      exists: (file) => existsSync(path.join(repoRoot, file)),
    });

const runtimeClient = await ensureRuntimeClient(values['ric-cache'], (m) => out(m)).catch(
  (error: Error) => fail(error.message),
);
const externalEndpoint = process.env.AWS_ENDPOINT_URL;
const backends = await startBackends(externalEndpoint ? { externalEndpoint } : {});
const clients = backendClients(backends);
const scratchDir = await mkdtemp(path.join(os.tmpdir(), 'artifact-check-'));
// Also on a crash or Ctrl-C: the laid-out copies hold SharpLayer (~40 MB) per stack.
process.on('exit', () => {
  if (!values.keep) rmSync(scratchDir, { recursive: true, force: true });
});
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));
const runner = new CaseRunner({
  repoRoot,
  templatePath,
  profiles: STACK_PROFILES,
  backends,
  clients,
  runtimeClient,
  scratchDir,
  ...(values.verbose ? { echo: (line: string) => out(`    ${line}`) } : {}),
});

const shownBuildDir = shortPath(repoRoot, buildDir);
out(
  `artifact-check: ${shownBuildDir} (${functionIds.length} functions), aws-lambda-ric ${runtimeClient.version}, Node ${process.version} ${process.platform}-${process.arch}, backends ${externalEndpoint ?? 'embedded'}`,
);
for (const problem of problems) out(`FAIL  mapping: ${problem}`);
if (selected.length === 0) problems.push(`no case matches --only ${values.only}`);
const outcomes: CaseOutcome[] = [];
const printOutcome = createPrinter(out);
let provisioned = true;
try {
  try {
    const architectures = new Set<string>();
    for (const id of new Set(selected.map((c) => c.stack))) {
      const stack = await runner.stack(id);
      for (const fn of stack.model.functions.values()) architectures.add(fn.architecture);
    }
    const host = process.arch === 'x64' ? 'x86_64' : process.arch;
    const other = [...architectures].filter((arch) => arch !== host);
    if (other.length > 0) {
      out(
        `note: functions declare ${other.join(', ')} and run here on ${host}; the layer's binaries for other architectures are checked by layers/sharp/verify.mjs`,
      );
    }
  } catch (error) {
    provisioned = false;
    const problem = `cannot create the built template's resources on the backends (${externalEndpoint ?? 'embedded'}): ${(error as Error).message}`;
    problems.push(problem);
    out(`FAIL  ${problem}`);
  }
  for (const testCase of provisioned ? selected : []) {
    const outcome = await runner.run(testCase);
    outcomes.push(outcome);
    printOutcome(outcome);
  }
} finally {
  await runner.stop();
  clients.destroy();
  await backends.stop();
  if (values.keep) out(`functions laid out in ${scratchDir} (kept)`);
}
const ok = printSummary(outcomes, problems, performance.now() - started, out);
process.exit(ok ? 0 : 1);
