import path from 'node:path';
import { TemplateError } from '../template/errors.js';
import {
  defaultName,
  functionByArn,
  isRecord,
  localArn,
  numberProperty,
  type ProvisionContext,
  type Provisioner,
  property,
  type ResourceInput,
  stringProperty,
} from './context.js';
import { provisionFunctionEvents } from './functionEvents.js';
import type { AsyncInvokeConfig, DestinationModel, FunctionModel } from './model.js';

const envValue = (value: unknown, path: string): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateError(
    path,
    `environment values must be strings, got ${Array.isArray(value) ? 'a list' : typeof value}`,
  );
};

const environment = (ctx: ProvisionContext, input: ResourceInput): Record<string, string> => {
  const env = property(ctx, input, 'Environment');
  if (env === undefined) return {};
  const variables = isRecord(env) ? env.Variables : undefined;
  if (variables === undefined) return {};
  const base = `${input.path}.Properties.Environment.Variables`;
  if (!isRecord(variables)) throw new TemplateError(base, 'must be a map of NAME: value');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (!/^[a-zA-Z]\w*$/.test(name))
      throw new TemplateError(`${base}.${name}`, 'is not a valid variable name');
    out[name] = envValue(value, `${base}.${name}`);
  }
  return out;
};

const codeLocation = (
  ctx: ProvisionContext,
  input: ResourceInput,
  serverless: boolean,
): string | undefined => {
  const field = serverless ? 'CodeUri' : 'Code';
  const code = property(ctx, input, field);
  if (typeof code === 'string') return path.resolve(ctx.templateDir, code);
  if (serverless && property(ctx, input, 'InlineCode') !== undefined) return undefined;
  if (code === undefined) {
    throw new TemplateError(
      `${input.path}.Properties.${field}`,
      'is required (the folder with the built handler)',
    );
  }
  return undefined;
};

const destination = (
  ctx: ProvisionContext,
  value: unknown,
  path: string,
): DestinationModel | undefined => {
  if (!isRecord(value)) return undefined;
  const arn = value.Destination;
  if (typeof arn !== 'string') return undefined;
  const queue = [...ctx.model.queues.values()].find((q) => q.arn === arn);
  if (queue) return { kind: 'queue', resourceId: queue.logicalId };
  const fn = functionByArn(ctx, arn);
  if (fn) return { kind: 'function', resourceId: fn.logicalId };
  ctx.warn(
    `${path}: destination ${arn} is not a queue or function of this template; not delivered`,
  );
  return undefined;
};

const asyncConfig = (ctx: ProvisionContext, input: ResourceInput): AsyncInvokeConfig => {
  const config = property(ctx, input, 'EventInvokeConfig');
  const settings = isRecord(config) ? config : {};
  const destinations = isRecord(settings.DestinationConfig) ? settings.DestinationConfig : {};
  const base = `${input.path}.Properties.EventInvokeConfig.DestinationConfig`;
  const out: AsyncInvokeConfig = {
    maximumRetryAttempts: Number(settings.MaximumRetryAttempts ?? 2),
    maximumEventAgeSeconds: Number(settings.MaximumEventAgeInSeconds ?? 21_600),
  };
  const onSuccess = destination(ctx, destinations.OnSuccess, `${base}.OnSuccess`);
  const onFailure = destination(ctx, destinations.OnFailure, `${base}.OnFailure`);
  if (onSuccess) out.onSuccess = onSuccess;
  if (onFailure) out.onFailure = onFailure;
  // SAM: DeadLetterQueue { Type: SQS, TargetArn }; Lambda: DeadLetterConfig { TargetArn }.
  const dlq = property(ctx, input, 'DeadLetterQueue') ?? property(ctx, input, 'DeadLetterConfig');
  if (isRecord(dlq) && typeof dlq.TargetArn === 'string') {
    const queue = [...ctx.model.queues.values()].find((q) => q.arn === dlq.TargetArn);
    if (queue) out.deadLetterQueueId = queue.logicalId;
    else
      ctx.warn(
        `${input.path}: dead-letter target ${dlq.TargetArn} is not a queue of this template`,
      );
  }
  return out;
};

/** AWS::Serverless::Function and AWS::Lambda::Function: registered, then their events wired. */
export const provisionFunction: Provisioner = (ctx, input) => {
  const serverless = input.resource.Type === 'AWS::Serverless::Function';
  const name = stringProperty(ctx, input, 'FunctionName') ?? defaultName(ctx, input.id, 64);
  const arn = localArn(ctx, 'lambda', `function:${name}`);
  ctx.stack.register(input.id, { ref: name, attributes: { Arn: arn } });
  const alias = serverless ? stringProperty(ctx, input, 'AutoPublishAlias') : undefined;
  if (alias !== undefined) {
    // SAM's AutoPublishAlias: `!Ref Fn.Alias` is the alias ARN, `!Ref Fn.Version` a version's
    // (also under the generated logical ids). Locally every version runs the current code.
    const aliasRef = { ref: `${arn}:${alias}`, attributes: { Arn: `${arn}:${alias}` } };
    ctx.stack.register(`${input.id}.Alias`, aliasRef);
    ctx.stack.register(`${input.id}Alias${alias}`, aliasRef);
    ctx.stack.register(`${input.id}.Version`, { ref: `${arn}:1`, attributes: { Version: '1' } });
  }
  if (serverless) {
    // Resources the SAM translator generates, so templates may refer to them.
    ctx.stack.register(`${input.id}Role`, {
      ref: `${name}-role`,
      attributes: { Arn: `arn:aws:iam::${ctx.stack.info.accountId}:role/${name}-role` },
    });
  }
  const runtime = stringProperty(ctx, input, 'Runtime') ?? '';
  const packageType = stringProperty(ctx, input, 'PackageType');
  const logging = property(ctx, input, 'LoggingConfig');
  const loggingConfig = isRecord(logging) ? logging : {};
  const architectures = property(ctx, input, 'Architectures');
  const fn: FunctionModel = {
    logicalId: input.id,
    name,
    arn,
    codeDir: '',
    handler: stringProperty(ctx, input, 'Handler') ?? '',
    runtime,
    timeoutSeconds: numberProperty(ctx, input, 'Timeout') ?? 3,
    memoryMb: numberProperty(ctx, input, 'MemorySize') ?? 128,
    architecture: Array.isArray(architectures) ? String(architectures[0]) : 'x86_64',
    environment: environment(ctx, input),
    async: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600 },
    logGroupName:
      typeof loggingConfig.LogGroup === 'string' ? loggingConfig.LogGroup : `/aws/lambda/${name}`,
    logFormat: loggingConfig.LogFormat === 'JSON' ? 'JSON' : 'Text',
    ...(typeof loggingConfig.ApplicationLogLevel === 'string'
      ? { applicationLogLevel: loggingConfig.ApplicationLogLevel }
      : {}),
    ...(typeof loggingConfig.SystemLogLevel === 'string'
      ? { systemLogLevel: loggingConfig.SystemLogLevel }
      : {}),
  };
  const reserved = numberProperty(ctx, input, 'ReservedConcurrentExecutions');
  if (reserved !== undefined) fn.reservedConcurrency = reserved;
  if (packageType === 'Image') {
    fn.problem = 'container image functions are not run locally';
  } else if (!runtime.startsWith('nodejs')) {
    fn.problem = `runtime ${runtime || '(none)'} is not run locally (only nodejs*)`;
  } else {
    const codeDir = codeLocation(ctx, input, serverless);
    if (codeDir === undefined)
      fn.problem = 'inline or S3 code is not run locally; point CodeUri at a folder';
    else fn.codeDir = codeDir;
    if (fn.handler === '') {
      throw new TemplateError(
        `${input.path}.Properties.Handler`,
        'is required (e.g. index.handler)',
      );
    }
  }
  fn.async = asyncConfig(ctx, input);
  if (fn.problem !== undefined) ctx.warn(`${input.path}: ${fn.problem}`);
  if (packageType !== 'Image' && property(ctx, input, 'Layers') !== undefined) {
    ctx.warn(
      'Layers: not mounted locally; functions resolve their dependencies (e.g. sharp) from the workspace node_modules',
    );
  }
  ctx.model.functions.set(input.id, fn);
  if (serverless) provisionFunctionEvents(ctx, input, fn);
};

/** Function properties whose references decide the creation order (not Policies/Role). */
export const FUNCTION_ORDER_FIELDS = [
  'FunctionName',
  'CodeUri',
  'Code',
  'Handler',
  'Runtime',
  'Timeout',
  'MemorySize',
  'Environment',
  'LoggingConfig',
  'Events',
  'EventInvokeConfig',
  'DeadLetterQueue',
  'DeadLetterConfig',
];
