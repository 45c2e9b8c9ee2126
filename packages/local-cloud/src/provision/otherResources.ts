import { TemplateError } from '../template/errors.js';
import {
  defaultName,
  functionByArn,
  isRecord,
  localArn,
  type Provisioner,
  property,
  stringProperty,
} from './context.js';
import { eventPatternProblem } from './eventPatternProblem.js';
import { sqsMapping } from './functionEvents.js';
import type { RuleTarget } from './model.js';

/** AWS::Events::Rule: an EventPattern matched locally, or a schedule; queue/function targets. */
export const provisionRule: Provisioner = (ctx, input) => {
  const name = stringProperty(ctx, input, 'Name') ?? defaultName(ctx, input.id, 64);
  const bus = stringProperty(ctx, input, 'EventBusName') ?? 'default';
  ctx.stack.register(input.id, {
    ref: name,
    attributes: {
      Arn: localArn(ctx, 'events', bus === 'default' ? `rule/${name}` : `rule/${bus}/${name}`),
    },
  });
  const base = `${input.path}.Properties`;
  if ((stringProperty(ctx, input, 'State') ?? 'ENABLED') !== 'ENABLED') return;
  let pattern = property(ctx, input, 'EventPattern');
  if (typeof pattern === 'string') {
    try {
      pattern = JSON.parse(pattern) as unknown;
    } catch (error) {
      throw new TemplateError(`${base}.EventPattern`, 'is not valid JSON', { cause: error });
    }
  }
  const schedule = stringProperty(ctx, input, 'ScheduleExpression');
  if (pattern === undefined && schedule === undefined) {
    throw new TemplateError(base, 'needs EventPattern or ScheduleExpression');
  }
  if (pattern !== undefined && !isRecord(pattern)) {
    throw new TemplateError(`${base}.EventPattern`, 'must be a map');
  }
  const problem = pattern === undefined ? undefined : eventPatternProblem(pattern);
  if (problem !== undefined) throw new TemplateError(`${base}.EventPattern`, problem);
  const targets = property(ctx, input, 'Targets') ?? [];
  if (!Array.isArray(targets)) throw new TemplateError(`${base}.Targets`, 'must be a list');
  const resolved: RuleTarget[] = [];
  targets.forEach((target, i) => {
    const path = `${base}.Targets[${i}]`;
    if (!isRecord(target) || typeof target.Arn !== 'string' || typeof target.Id !== 'string') {
      throw new TemplateError(path, 'needs Arn and Id');
    }
    const queue = [...ctx.model.queues.values()].find((q) => q.arn === target.Arn);
    const fn = functionByArn(ctx, target.Arn);
    if (queue === undefined && fn === undefined) {
      ctx.warn(
        `${path}: target ${target.Arn} is not a queue or function of this template; not delivered`,
      );
      return;
    }
    if (target.InputTransformer !== undefined) {
      ctx.warn(`${path}.InputTransformer: not applied locally; the event is delivered as is`);
    }
    const sqs = isRecord(target.SqsParameters) ? target.SqsParameters : {};
    const group =
      typeof sqs.MessageGroupId === 'number' ? String(sqs.MessageGroupId) : sqs.MessageGroupId;
    if (group !== undefined && (typeof group !== 'string' || group === '')) {
      throw new TemplateError(`${path}.SqsParameters.MessageGroupId`, 'must be a non-empty string');
    }
    const messageGroupId = group as string | undefined;
    if (queue?.name.endsWith('.fifo') && messageGroupId === undefined) {
      // AWS refuses the target: a FIFO queue takes no message without a group.
      throw new TemplateError(
        `${path}.SqsParameters.MessageGroupId`,
        `is required for a FIFO queue target (${queue.logicalId})`,
      );
    }
    resolved.push({
      id: target.Id,
      kind: queue ? 'queue' : 'function',
      resourceId: (queue?.logicalId ?? fn?.logicalId) as string,
      ...(typeof target.Input === 'string' ? { input: target.Input } : {}),
      ...(typeof target.InputPath === 'string' ? { inputPath: target.InputPath } : {}),
      ...(queue && messageGroupId !== undefined ? { messageGroupId } : {}),
    });
  });
  ctx.model.rules.push({
    logicalId: input.id,
    name,
    eventBusName: bus,
    ...(pattern === undefined ? {} : { pattern }),
    ...(schedule === undefined
      ? {}
      : { schedule: { expression: schedule, kind: 'rule' as const } }),
    targets: resolved,
  });
};

/** AWS::Lambda::EventSourceMapping (SQS sources only). */
export const provisionEventSourceMapping: Provisioner = (ctx, input) => {
  ctx.stack.register(input.id, { ref: `${input.id}-uuid`, attributes: { Id: `${input.id}-uuid` } });
  const source = property(ctx, input, 'EventSourceArn');
  const functionName = stringProperty(ctx, input, 'FunctionName');
  const fn =
    [...ctx.model.functions.values()].find((f) => f.name === functionName) ??
    functionByArn(ctx, functionName);
  if (typeof source !== 'string' || !source.includes(':sqs:')) {
    ctx.warn(`${input.path}: only SQS event source mappings are polled locally`);
    return;
  }
  if (fn === undefined) {
    throw new TemplateError(
      `${input.path}.Properties.FunctionName`,
      `${functionName} is not a function of this template`,
    );
  }
  const props = ctx.stack.resolve(input.resource.Properties ?? {}, `${input.path}.Properties`);
  const mapping = sqsMapping(
    ctx,
    input.id,
    fn.logicalId,
    { arn: source, path: `${input.path}.Properties.EventSourceArn` },
    props as Record<string, unknown>,
    `${input.path}.Properties`,
  );
  if (mapping) ctx.model.sqsMappings.push(mapping);
};

// Types with no local effect: their Ref/GetAtt values are placeholders so references resolve.
const PASSIVE: Record<string, { service: string; nameProperty?: string }> = {
  'AWS::Logs::LogGroup': { service: 'logs', nameProperty: 'LogGroupName' },
  'AWS::CloudWatch::Alarm': { service: 'cloudwatch', nameProperty: 'AlarmName' },
  'AWS::CloudWatch::CompositeAlarm': { service: 'cloudwatch', nameProperty: 'AlarmName' },
  'AWS::CloudWatch::Dashboard': { service: 'cloudwatch', nameProperty: 'DashboardName' },
  'AWS::SNS::Topic': { service: 'sns', nameProperty: 'TopicName' },
  'AWS::SNS::Subscription': { service: 'sns' },
  'AWS::SNS::TopicPolicy': { service: 'sns' },
  'AWS::SQS::QueuePolicy': { service: 'sqs' },
  'AWS::S3::BucketPolicy': { service: 's3' },
  'AWS::IAM::Role': { service: 'iam', nameProperty: 'RoleName' },
  'AWS::IAM::Policy': { service: 'iam', nameProperty: 'PolicyName' },
  'AWS::IAM::ManagedPolicy': { service: 'iam', nameProperty: 'ManagedPolicyName' },
  'AWS::Lambda::Permission': { service: 'lambda' },
  'AWS::Lambda::EventInvokeConfig': { service: 'lambda' },
  'AWS::Lambda::Version': { service: 'lambda' },
  'AWS::Lambda::Alias': { service: 'lambda', nameProperty: 'Name' },
  'AWS::Lambda::LayerVersion': { service: 'lambda', nameProperty: 'LayerName' },
  'AWS::Serverless::LayerVersion': { service: 'lambda', nameProperty: 'LayerName' },
  'AWS::SES::ConfigurationSet': { service: 'ses', nameProperty: 'Name' },
  'AWS::KMS::Key': { service: 'kms' },
  'AWS::KMS::Alias': { service: 'kms', nameProperty: 'AliasName' },
  'AWS::SSM::Parameter': { service: 'ssm', nameProperty: 'Name' },
  'AWS::ApiGatewayV2::Stage': { service: 'apigateway', nameProperty: 'StageName' },
  'AWS::CloudFormation::WaitConditionHandle': { service: 'cloudformation' },
};

/** Is this a resource type with no local effect (no warning needed)? */
export const isPassiveType = (type: string): boolean => type in PASSIVE;

/** Register placeholder values for a resource with no local effect (or an unsupported one). */
export const provisionPassive: Provisioner = (ctx, input) => {
  const spec = PASSIVE[input.resource.Type] ?? {
    service: input.resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown',
  };
  let name = defaultName(ctx, input.id);
  if (spec.nameProperty && input.resource.Properties?.[spec.nameProperty] !== undefined) {
    try {
      name = String(property(ctx, input, spec.nameProperty));
    } catch {
      // Only a display name for a resource that does nothing locally.
    }
  }
  const arn =
    spec.service === 'sns'
      ? localArn(ctx, 'sns', name)
      : spec.service === 'iam'
        ? `arn:aws:iam::${ctx.stack.info.accountId}:role/${name}`
        : localArn(
            ctx,
            spec.service,
            `${input.resource.Type.split('::')[2]?.toLowerCase() ?? 'resource'}:${name}`,
          );
  const type = input.resource.Type;
  const ref = type === 'AWS::SNS::Topic' ? arn : type.endsWith('LayerVersion') ? `${arn}:1` : name;
  ctx.stack.register(input.id, { ref, attributes: { Arn: arn }, attribute: () => `${name}-local` });
};
