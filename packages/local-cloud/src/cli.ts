import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BackendPortInUseError } from './backends/startBackends.js';
import { startLocalCloud } from './cloud/startLocalCloud.js';
import { renderBanner } from './dev/banner.js';
import { runDemo } from './dev/demo.js';
import { consoleLog } from './dev/log.js';
import { DEFAULT_DEMO_TOKEN, demoToken } from './dev/token.js';
import { watchSources } from './dev/watch.js';
import { FaultRuleError } from './faults/errors.js';
import { parseFaultFile } from './faults/parseFaultRules.js';
import { TemplateError } from './template/errors.js';
import { parseParameterOverrides } from './template/parameters.js';
import { PortInUseError } from './triggers/http/HttpApiServer.js';

const USAGE = `Usage: local-cloud <command> [options]

Commands:
  dev     run template.yaml locally: backends, resources, functions, triggers (default)
  demo    against a running dev: upload an image, place an order, show the results

Options (dev):
  --template <file>              SAM template (default: template.yaml, searched upwards)
  --port <n>                     HTTP API port (default 3000 or $PORT; 0 = any free port)
  --host <address>               interface to listen on (default 127.0.0.1)
  --parameter-overrides "<K=V>"  template parameters, as sam deploy takes them
                                 (also $LOCAL_CLOUD_PARAMETER_OVERRIDES)
  --stack-name <name>            AWS::StackName (default shop-local)
  --region <region>              AWS::Region (default us-east-1)
  --backend-port <base>          embedded backends on base..base+3 (default 4566; 0 = free ports)
  --endpoint <url>               use an AWS-compatible endpoint instead (moto_server,
                                 LocalStack; also $AWS_ENDPOINT_URL)
  --faults <file>                fault rules (JSON or YAML) applied in front of the backends;
                                 change them while running through <backend>/_faults
  --retry-delay <seconds>        failed SQS messages come back after this long instead of
                                 the queue's VisibilityTimeout
  --no-watch                     do not rebuild and reload on source changes
  --quiet                        no REPORT line per invocation
  -h, --help                     this text
`;

const findTemplate = (start: string): string | undefined => {
  let dir = start;
  for (;;) {
    const candidate = path.join(dir, 'template.yaml');
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
};

/** Where `dev` records what `demo` (and other tools) need to reach it. */
export const stateFileFor = (templatePath: string): string =>
  path.join(path.dirname(templatePath), 'node_modules', '.cache', 'local-cloud', 'dev.json');

const dev = async (values: Record<string, string | boolean | undefined>) => {
  const started = performance.now();
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const log = consoleLog({ color, reports: values.quiet !== true });
  const templatePath = path.resolve(
    String(values.template ?? findTemplate(process.cwd()) ?? 'template.yaml'),
  );
  const overridesText = String(
    values['parameter-overrides'] ?? process.env.LOCAL_CLOUD_PARAMETER_OVERRIDES ?? '',
  );
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  const backendBase = Number(values['backend-port'] ?? 4566);
  const endpoint = (values.endpoint as string | undefined) ?? process.env.AWS_ENDPOINT_URL;
  const retryDelay =
    values['retry-delay'] === undefined ? undefined : Number(values['retry-delay']);
  const faultsFile = values.faults === undefined ? undefined : String(values.faults);
  const faults =
    faultsFile === undefined
      ? undefined
      : parseFaultFile(
          await readFile(faultsFile, 'utf8').catch((error: unknown) => {
            throw new FaultRuleError(faultsFile, (error as Error).message, { cause: error });
          }),
          faultsFile,
        );
  const cloud = await startLocalCloud({
    templatePath,
    parameterOverrides: parseParameterOverrides(overridesText),
    ...(values['stack-name'] ? { stackName: String(values['stack-name']) } : {}),
    ...(values.region ? { region: String(values.region) } : {}),
    ...(endpoint ? { externalEndpoint: endpoint } : {}),
    backendPorts:
      backendBase === 0
        ? {}
        : {
            sqsS3: backendBase,
            dynamodb: backendBase + 1,
            ses: backendBase + 2,
            secretsManager: backendBase + 3,
          },
    port,
    ...(values.host ? { host: String(values.host) } : {}),
    log,
    ...(retryDelay === undefined ? {} : { sqsRetryDelaySeconds: retryDelay }),
    ...(faults ? { faults } : {}),
  });
  const faultRules = (await cloud.backends.faults?.list()) ?? [];
  const token = await demoToken(cloud.model);
  const watching = values.watch !== false;
  const stopWatching = watching
    ? watchSources(path.dirname(templatePath), cloud.model, cloud.functions, log)
    : () => undefined;
  const stateFile = stateFileFor(templatePath);
  await mkdir(path.dirname(stateFile), { recursive: true });
  await writeFile(
    stateFile,
    `${JSON.stringify({ ...cloud.describe(), token, pid: process.pid }, null, 2)}\n`,
  );
  process.stdout.write(
    renderBanner(
      cloud,
      {
        templatePath: path.relative(process.cwd(), templatePath) || templatePath,
        startedInMs: performance.now() - started,
        ...(token
          ? {
              token: {
                value: token,
                customerId: DEFAULT_DEMO_TOKEN.customerId,
                email: DEFAULT_DEMO_TOKEN.email,
                expiresIn: DEFAULT_DEMO_TOKEN.expiresIn,
              },
            }
          : {}),
        watching,
        stateFile: path.relative(process.cwd(), stateFile),
        ...(cloud.backends.faults
          ? {
              faults: {
                url: cloud.backends.faults.url,
                rules: faultRules,
                ...(faultsFile ? { file: faultsFile } : {}),
              },
            }
          : {}),
      },
      color,
    ),
  );
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    log.info('stopping ...');
    stopWatching();
    await rm(stateFile, { force: true });
    await cloud.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
};

const main = async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    allowNegative: true,
    options: {
      template: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'parameter-overrides': { type: 'string' },
      'stack-name': { type: 'string' },
      region: { type: 'string' },
      'backend-port': { type: 'string' },
      endpoint: { type: 'string' },
      'retry-delay': { type: 'string' },
      faults: { type: 'string' },
      watch: { type: 'boolean', default: true },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const command = positionals[0] ?? 'dev';
  if (command === 'dev') return dev(values);
  if (command === 'demo') {
    const templatePath = path.resolve(
      String(values.template ?? findTemplate(process.cwd()) ?? 'template.yaml'),
    );
    return runDemo(stateFileFor(templatePath));
  }
  throw new Error(`unknown command ${command}\n\n${USAGE}`);
};

main().catch((error: unknown) => {
  const known =
    error instanceof TemplateError ||
    error instanceof PortInUseError ||
    error instanceof BackendPortInUseError ||
    error instanceof FaultRuleError;
  process.stderr.write(
    `local-cloud: ${known ? (error as Error).message : ((error as Error).stack ?? String(error))}\n`,
  );
  process.exit(1);
});
