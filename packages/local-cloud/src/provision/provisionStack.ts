import type { BackendClients } from '../clients.js';
import { ensureEmailIdentity } from '../resources.js';
import { TemplateError } from '../template/errors.js';
import type { Stack } from '../template/Stack.js';
import {
  functionByArn,
  isRecord,
  type ProvisionContext,
  type Provisioner,
  type ResourceInput,
} from './context.js';
import {
  provisionBucket,
  provisionEmailIdentity,
  provisionQueue,
  provisionSecret,
  provisionSimpleTable,
  provisionTable,
} from './dataResources.js';
import { FUNCTION_ORDER_FIELDS, provisionFunction } from './functions.js';
import { provisionHttpApi } from './httpApis.js';
import type { LocalStackModel } from './model.js';
import { parseNotificationConfiguration } from './notifications.js';
import {
  isPassiveType,
  provisionEventSourceMapping,
  provisionPassive,
  provisionRule,
} from './otherResources.js';

const PROVISIONERS: Record<string, Provisioner> = {
  'AWS::S3::Bucket': provisionBucket,
  'AWS::DynamoDB::Table': provisionTable,
  'AWS::Serverless::SimpleTable': provisionSimpleTable,
  'AWS::SQS::Queue': provisionQueue,
  'AWS::SecretsManager::Secret': provisionSecret,
  'AWS::SES::EmailIdentity': provisionEmailIdentity,
  'AWS::Serverless::Function': provisionFunction,
  'AWS::Lambda::Function': provisionFunction,
  'AWS::Serverless::HttpApi': provisionHttpApi,
  'AWS::Events::Rule': provisionRule,
  'AWS::Lambda::EventSourceMapping': provisionEventSourceMapping,
};

/** Which properties decide a resource's dependencies (all, unless listed). */
const orderFields = (type: string): string[] | undefined =>
  type === 'AWS::Serverless::Function' || type === 'AWS::Lambda::Function'
    ? FUNCTION_ORDER_FIELDS
    : type === 'AWS::Serverless::HttpApi'
      ? // Not its definition: it is not read, and it may refer to the functions behind it.
        ['Auth', 'CorsConfiguration']
      : isPassiveType(type) || !(type in PROVISIONERS)
        ? []
        : undefined;

/** Does a function have an `HttpApi` event on SAM's implicit API (no `ApiId`)? */
const usesImplicitHttpApi = (properties: Record<string, unknown>): boolean =>
  Object.values(isRecord(properties.Events) ? properties.Events : {}).some(
    (event) =>
      isRecord(event) &&
      event.Type === 'HttpApi' &&
      !(isRecord(event.Properties) && event.Properties.ApiId !== undefined),
  );

/** Resources in an order where every resource comes after those it refers to. */
export const creationOrder = (stack: Stack): string[] => {
  const ids = [...stack.resources.keys()];
  const dependencies = new Map<string, Set<string>>();
  // The implicit API is made with the first function that has an event on it, from
  // Globals.HttpApi: what that refers to (authorizer functions) comes before such functions.
  const implicitApi = stack.template.Globals?.HttpApi;
  const implicitApiRefs =
    implicitApi === undefined ? new Set<string>() : stack.references(implicitApi);
  for (const [id, resource] of stack.resources) {
    const fields = orderFields(resource.Type);
    const props = resource.Properties ?? {};
    const scanned =
      fields === undefined ? props : Object.fromEntries(fields.map((f) => [f, props[f]]));
    const refs = stack.references(scanned);
    if (orderFields(resource.Type) === FUNCTION_ORDER_FIELDS && usesImplicitHttpApi(props)) {
      for (const ref of implicitApiRefs) refs.add(ref);
    }
    const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
    for (const dep of dependsOn) {
      if (!stack.resources.has(dep) && !stack.skipped.includes(dep)) {
        throw new TemplateError(`Resources.${id}.DependsOn`, `no resource named ${dep}`);
      }
      refs.add(dep);
    }
    dependencies.set(
      id,
      new Set([...refs].filter((ref) => stack.resources.has(ref) && ref !== id)),
    );
  }
  const order: string[] = [];
  const done = new Set<string>();
  while (order.length < ids.length) {
    const ready = ids.filter(
      (id) => !done.has(id) && [...(dependencies.get(id) ?? [])].every((d) => done.has(d)),
    );
    if (ready.length === 0) {
      const stuck = ids.filter((id) => !done.has(id));
      throw new TemplateError(
        'Resources',
        `circular dependency between resources: ${stuck.join(', ')}`,
      );
    }
    for (const id of ready) {
      done.add(id);
      order.push(id);
    }
  }
  return order;
};

/** Options for {@link provisionStack}. */
export interface ProvisionOptions {
  templateDir: string;
}

/**
 * Create every resource of the stack on the backends (in dependency order) and return the
 * resolved model the runner serves: functions, routes, notifications, rules, mappings.
 */
export const provisionStack = async (
  stack: Stack,
  clients: BackendClients,
  options: ProvisionOptions,
): Promise<LocalStackModel> => {
  const model: LocalStackModel = {
    stackName: stack.info.stackName,
    region: stack.info.region,
    accountId: stack.info.accountId,
    buckets: new Map(),
    tables: new Map(),
    queues: new Map(),
    secrets: new Map(),
    emailIdentities: [],
    functions: new Map(),
    httpApis: new Map(),
    rules: [],
    sqsMappings: [],
    streamMappings: [],
    parameters: stack.parameters,
    outputs: {},
    warnings: [],
    ignored: [],
  };
  const ctx: ProvisionContext = {
    stack,
    clients,
    model,
    templateDir: options.templateDir,
    warn: (message) => stack.warnings.add(message),
  };
  const unsupported = new Map<string, string[]>();
  for (const id of creationOrder(stack)) {
    const resource = stack.resources.get(id);
    if (resource === undefined) continue;
    const input: ResourceInput = { id, resource, path: `Resources.${id}` };
    const provisioner = PROVISIONERS[resource.Type];
    if (provisioner) {
      await provisioner(ctx, input);
      continue;
    }
    if (isPassiveType(resource.Type)) {
      if (!model.ignored.includes(resource.Type)) model.ignored.push(resource.Type);
    } else {
      unsupported.set(resource.Type, [...(unsupported.get(resource.Type) ?? []), id]);
    }
    provisionPassive(ctx, input);
  }
  for (const [type, ids] of unsupported) {
    ctx.warn(
      `${type} is not emulated locally (${ids.join(', ')}); references to it resolve to placeholders`,
    );
  }
  linkBucketNotifications(ctx);
  await verifySenders(ctx);
  model.outputs = resolveOutputs(stack);
  model.warnings = stack.warnings.list();
  return model;
};

// Notifications declared on the bucket itself name their targets by ARN; functions and
// queues may come later in the creation order, so they are linked once everything exists.
const linkBucketNotifications = (ctx: ProvisionContext) => {
  for (const [id, bucket] of ctx.model.buckets) {
    const raw = ctx.stack.resources.get(id)?.Properties?.NotificationConfiguration;
    if (raw === undefined) continue;
    const path = `Resources.${id}.Properties.NotificationConfiguration`;
    const config = parseNotificationConfiguration(
      ctx.stack.resolve(raw, path),
      path,
      () => undefined,
    );
    for (const pending of config.pending) {
      const target =
        pending.targetKind === 'function'
          ? functionByArn(ctx, pending.targetArn)?.logicalId
          : [...ctx.model.queues.values()].find((q) => q.arn === pending.targetArn)?.logicalId;
      if (target === undefined) {
        ctx.warn(
          `${path}: ${pending.targetArn} is not a ${pending.targetKind} of this template; not delivered`,
        );
        continue;
      }
      bucket.notifications.push({
        id: pending.id,
        events: pending.events,
        filter: pending.filter,
        target:
          pending.targetKind === 'function'
            ? { kind: 'function', functionId: target }
            : { kind: 'queue', queueId: target },
      });
    }
  }
};

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

// Backends that check sender identities (moto, like SES in its sandbox) need the sender
// verified; in AWS that happens out of band. Variables named like a sender address qualify.
const verifySenders = async (ctx: ProvisionContext) => {
  for (const fn of ctx.model.functions.values()) {
    for (const [name, value] of Object.entries(fn.environment)) {
      if (
        /SENDER|FROM/i.test(name) &&
        EMAIL.test(value) &&
        !ctx.model.emailIdentities.includes(value)
      ) {
        await ensureEmailIdentity(ctx.clients, value);
        ctx.model.emailIdentities.push(value);
      }
    }
  }
};

const resolveOutputs = (stack: Stack): Record<string, unknown> => {
  const outputs: Record<string, unknown> = {};
  for (const [name, output] of Object.entries(stack.template.Outputs ?? {})) {
    if (
      output.Condition !== undefined &&
      !stack.condition(output.Condition, `Outputs.${name}.Condition`)
    )
      continue;
    try {
      outputs[name] = stack.resolve(output.Value, `Outputs.${name}.Value`);
    } catch (error) {
      stack.warnings.add((error as Error).message);
    }
  }
  return outputs;
};
