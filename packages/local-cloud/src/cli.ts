import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BackendPortInUseError } from './backends/startBackends.js';
import { startLocalCloud } from './cloud/startLocalCloud.js';
import { renderBanner } from './dev/banner.js';
import {
  checkPreviousRun,
  PreviousRunError,
  removeDevState,
  requestedPorts,
  stateFileFor,
  writeDevState,
} from './dev/devState.js';
import { consoleLog } from './dev/log.js';
import { stopOnSignals } from './dev/stopOnSignals.js';
import {
  DEFAULT_TOKEN_SUBJECT,
  DEFAULT_TOKEN_TTL,
  stackToken,
  type TokenOptions,
  tokenFromState,
} from './dev/token.js';
import { watchSources } from './dev/watch.js';
import { FaultRuleError } from './faults/errors.js';
import { parseFaultFile } from './faults/parseFaultRules.js';
import { TemplateError } from './template/errors.js';
import { parseParameterOverrides } from './template/parameters.js';
import { PortInUseError } from './triggers/http/HttpApiServer.js';

const USAGE = `Usage: local-cloud <command> [options]

Commands:
  dev     run template.yaml locally: backends, resources, functions, triggers (default)
  token   against a running dev: print an HS256 JWT signed with one of the stack's secrets

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
  --concurrency <n>              most environments per function (default 10; a function's
                                 ReservedConcurrentExecutions lowers it; 1 = one at a time)
  --v8-tiering <scaled|lambda>   when V8 optimises the functions' code: scaled (default)
                                 divides its call counts by the environments, so the code is
                                 optimised after as many calls in all as in one process;
                                 lambda keeps V8's own counts, as Lambda runs it
  --no-watch                     do not rebuild and reload on source changes
  --quiet                        no REPORT line per invocation
  --token-secret <logical id>    print a token signed with this secret in the banner
                                 (with --sub, --email, --issuer, --audience, --ttl as below)
  -h, --help                     this text

Options (token):
  --secret <logical id>          the signing secret (default: the stack's only secret)
  --sub <id> (or --customer)     the token's sub (default local-user)
  --email <address>              an email claim
  --issuer <iss> --audience <aud>   default: the JwtIssuer / JwtAudience parameters
  --ttl <duration>               lifetime, e.g. 3600s or 12h (default 12h)

dev stops everything it started on SIGINT, SIGTERM or SIGHUP, and when its parent exits.
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

export { stateFileFor };

/** The token flags shared by `token` and `dev --token-secret`. */
const tokenOptionsOf = (values: Record<string, string | boolean | undefined>): TokenOptions => {
  const text = (name: string) => {
    const value = values[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const subject = text('sub') ?? text('customer');
  const email = text('email');
  const issuer = text('issuer');
  const audience = text('audience');
  const ttl = text('ttl');
  return {
    ...(subject ? { subject } : {}),
    ...(email ? { email } : {}),
    ...(issuer ? { issuer } : {}),
    ...(audience ? { audience } : {}),
    ...(ttl ? { expiresIn: /^\d+$/.test(ttl) ? `${ttl}s` : ttl } : {}),
  };
};

const dev = async (values: Record<string, string | boolean | undefined>) => {
  const started = performance.now();
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  // One write per event-loop turn: under load, two lines or more per request, each a system
  // call on a terminal or pipe. Pending lines go out before the banner and at exit.
  const log = consoleLog({ color, reports: values.quiet !== true, batched: true });
  process.on('exit', () => log.flush());
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
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1))
    throw new Error(
      `--concurrency must be a whole number of at least 1, got ${values.concurrency}`,
    );
  const v8Tiering = values['v8-tiering'];
  if (v8Tiering !== undefined && v8Tiering !== 'scaled' && v8Tiering !== 'lambda')
    throw new Error(`--v8-tiering must be scaled or lambda, got ${v8Tiering}`);
  // Before anything starts: an earlier run on the same ports would fail this one half-way.
  const stateFile = stateFileFor(templatePath);
  const previous = await checkPreviousRun(
    stateFile,
    requestedPorts({ port, ...(endpoint ? {} : { backendBase }) }),
  );
  if (previous.kind === 'running' && previous.clash) throw new PreviousRunError(previous.message);
  if (previous.kind !== 'none') log.warn(previous.message);
  // From here on a signal stops whatever has started (nothing, until the cloud is up: the
  // backends live in this process and go with it). A closed terminal (SIGHUP) must not turn
  // the last log lines into an EIO crash that skips the clean-up.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const running = { stop: async (): Promise<void> => undefined };
  stopOnSignals({ log, stop: () => running.stop() });
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
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(v8Tiering === undefined ? {} : { v8Tiering }),
    ...(faults ? { faults } : {}),
  });
  const faultRules = (await cloud.backends.faults?.list()) ?? [];
  const tokenOptions = tokenOptionsOf(values);
  const tokenSecret =
    values['token-secret'] === undefined ? undefined : String(values['token-secret']);
  const token =
    tokenSecret === undefined
      ? undefined
      : await stackToken(cloud.model, { ...tokenOptions, secret: tokenSecret });
  if (tokenSecret !== undefined && token === undefined)
    log.warn(
      `--token-secret ${tokenSecret}: the stack has no such secret or no issuer/audience (JwtIssuer/JwtAudience parameters, or --issuer/--audience); no token`,
    );
  const watching = values.watch !== false;
  const stopWatching = watching
    ? watchSources(path.dirname(templatePath), cloud.model, cloud.functions, log)
    : async () => undefined;
  running.stop = async () => {
    await stopWatching();
    await removeDevState(stateFile);
    await cloud.stop();
  };
  await writeDevState(stateFile, {
    ...cloud.describe(),
    ...(token ? { token } : {}),
    pid: process.pid,
  });
  log.flush();
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
                secret: String(tokenSecret),
                subject: tokenOptions.subject ?? DEFAULT_TOKEN_SUBJECT,
                ...(tokenOptions.email ? { email: tokenOptions.email } : {}),
                expiresIn: tokenOptions.expiresIn ?? DEFAULT_TOKEN_TTL,
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
      concurrency: { type: 'string' },
      'v8-tiering': { type: 'string' },
      faults: { type: 'string' },
      watch: { type: 'boolean', default: true },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      customer: { type: 'string' },
      sub: { type: 'string' },
      'token-secret': { type: 'string' },
      email: { type: 'string' },
      secret: { type: 'string' },
      issuer: { type: 'string' },
      audience: { type: 'string' },
      ttl: { type: 'string' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const command = positionals[0] ?? 'dev';
  if (command === 'dev') return dev(values);
  if (command === 'token') {
    const templatePath = path.resolve(
      String(values.template ?? findTemplate(process.cwd()) ?? 'template.yaml'),
    );
    const token = await tokenFromState(stateFileFor(templatePath), {
      ...tokenOptionsOf(values),
      ...(values.secret ? { secret: values.secret } : {}),
    });
    process.stdout.write(`${token}\n`);
    return;
  }
  throw new Error(`unknown command ${command}\n\n${USAGE}`);
};

main().catch((error: unknown) => {
  const known =
    error instanceof TemplateError ||
    error instanceof PortInUseError ||
    error instanceof BackendPortInUseError ||
    error instanceof FaultRuleError ||
    error instanceof PreviousRunError;
  process.stderr.write(
    `local-cloud: ${known ? (error as Error).message : ((error as Error).stack ?? String(error))}\n`,
  );
  process.exit(1);
});
