import { TemplateError } from '../template/errors.js';
import { isRecord, type ProvisionContext, type ResourceInput } from './context.js';
import { eventPatternProblem } from './eventPatternProblem.js';
import { implicitHttpApi } from './httpApis.js';
import type { FunctionModel, SqsMappingModel } from './model.js';
import { parseKeyFilter, parseS3Events } from './notifications.js';
import { parseFilterCriteria } from './parseFilterCriteria.js';
import { streamMapping } from './streamMappings.js';

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'];

const httpApiEvent = (
  ctx: ProvisionContext,
  fn: FunctionModel,
  props: Record<string, unknown>,
  path: string,
) => {
  const apiId = props.ApiId;
  let api = [...ctx.model.httpApis.values()].find((a) => a.apiId === apiId);
  if (apiId === undefined) api = implicitHttpApi(ctx);
  if (api === undefined)
    throw new TemplateError(`${path}.ApiId`, 'must be !Ref of an AWS::Serverless::HttpApi');
  const method = String(props.Method ?? 'ANY').toUpperCase();
  const routePath = props.Path === undefined ? '$default' : String(props.Path);
  if (!HTTP_METHODS.includes(method) && method !== 'X-AMAZON-APIGATEWAY-ANY-METHOD') {
    throw new TemplateError(`${path}.Method`, `unknown HTTP method ${method}`);
  }
  if (routePath !== '$default' && !routePath.startsWith('/')) {
    throw new TemplateError(`${path}.Path`, 'must start with / (or be $default)');
  }
  const auth = isRecord(props.Auth) ? props.Auth : {};
  const authorizer = typeof auth.Authorizer === 'string' ? auth.Authorizer : api.defaultAuthorizer;
  if (authorizer !== undefined && authorizer !== 'NONE' && !api.authorizers.has(authorizer)) {
    throw new TemplateError(
      `${path}.Auth.Authorizer`,
      `no authorizer named ${authorizer} on ${api.logicalId}`,
    );
  }
  const version = String(props.PayloadFormatVersion ?? '2.0');
  if (version === '1.0')
    ctx.warn(`${path}.PayloadFormatVersion: 1.0 events are served as 2.0 locally`);
  const anyMethod = method === 'ANY' || method === 'X-AMAZON-APIGATEWAY-ANY-METHOD';
  api.routes.push({
    routeKey: routePath === '$default' ? '$default' : `${anyMethod ? 'ANY' : method} ${routePath}`,
    method: anyMethod ? 'ANY' : method,
    path: routePath,
    functionId: fn.logicalId,
    ...(authorizer === undefined || authorizer === 'NONE' ? {} : { authorizer }),
    payloadFormatVersion: '2.0',
    timeoutMs: Math.min(Number(props.TimeoutInMillis ?? 30_000), 30_000),
  });
};

const s3Event = (
  ctx: ProvisionContext,
  fn: FunctionModel,
  props: Record<string, unknown>,
  path: string,
  name: string,
) => {
  const bucket = [...ctx.model.buckets.values()].find((b) => b.name === props.Bucket);
  if (bucket === undefined) {
    throw new TemplateError(
      `${path}.Bucket`,
      'must be !Ref of an AWS::S3::Bucket in this template',
    );
  }
  bucket.notifications.push({
    id: `${fn.logicalId}${name}`,
    events: parseS3Events(props.Events, `${path}.Events`),
    filter: parseKeyFilter(props.Filter, `${path}.Filter`),
    target: { kind: 'function', functionId: fn.logicalId },
  });
};

/**
 * An SQS event source mapping from its (resolved) properties, refused where AWS refuses to
 * create it. `source` is the queue's ARN and the path of the property that names it (`Queue`
 * of a SAM event, `EventSourceArn` of an AWS::Lambda::EventSourceMapping).
 */
export const sqsMapping = (
  ctx: ProvisionContext,
  id: string,
  functionId: string,
  source: { arn: unknown; path: string },
  props: Record<string, unknown>,
  path: string,
): SqsMappingModel | undefined => {
  const queue = [...ctx.model.queues.values()].find((q) => q.arn === source.arn);
  if (queue === undefined) {
    ctx.warn(`${path}: queue ${String(source.arn)} is not a queue of this template; not polled`);
    return undefined;
  }
  const fn = ctx.model.functions.get(functionId);
  if (fn !== undefined && fn.timeoutSeconds > queue.visibilityTimeoutSeconds) {
    // A batch still running when its messages reappear would be delivered twice.
    throw new TemplateError(
      source.path,
      `Queue visibility timeout: ${queue.visibilityTimeoutSeconds} seconds is less than Function timeout: ${fn.timeoutSeconds} seconds (AWS refuses the mapping: raise ${queue.logicalId}'s VisibilityTimeout to at least ${functionId}'s Timeout)`,
    );
  }
  const fifo = queue.name.endsWith('.fifo');
  const batchSize = Number(props.BatchSize ?? 10);
  const window = Number(props.MaximumBatchingWindowInSeconds ?? 0);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > (fifo ? 10 : 10_000)) {
    throw new TemplateError(
      `${path}.BatchSize`,
      fifo ? `must be 1..10 for a FIFO queue (${queue.logicalId})` : 'must be 1..10000',
    );
  }
  if (fifo && window > 0) {
    // CreateEventSourceMapping: "Batching window is not supported for FIFO queues".
    throw new TemplateError(
      `${path}.MaximumBatchingWindowInSeconds`,
      `Batching window is not supported for FIFO queues (${queue.logicalId}): leave it out`,
    );
  }
  if (batchSize > 10 && window < 1) {
    throw new TemplateError(
      `${path}.MaximumBatchingWindowInSeconds`,
      'must be at least 1 when BatchSize > 10',
    );
  }
  const types = Array.isArray(props.FunctionResponseTypes) ? props.FunctionResponseTypes : [];
  return {
    id,
    functionId,
    queueId: queue.logicalId,
    batchSize,
    maximumBatchingWindowSeconds: window,
    reportBatchItemFailures: types.includes('ReportBatchItemFailures'),
    enabled: props.Enabled === undefined || props.Enabled === true || props.Enabled === 'true',
    filters: parseFilterCriteria(props.FilterCriteria, `${path}.FilterCriteria`),
  };
};

/**
 * Wire a SAM function's Events: HTTP routes, S3 notifications, SQS and DynamoDB Streams
 * mappings, rules.
 */
export const provisionFunctionEvents = (
  ctx: ProvisionContext,
  input: ResourceInput,
  fn: FunctionModel,
) => {
  const rawEvents = input.resource.Properties?.Events;
  if (rawEvents === undefined) return;
  const base = `${input.path}.Properties.Events`;
  if (!isRecord(rawEvents)) throw new TemplateError(base, 'must be a map of event name to event');
  for (const [name, raw] of Object.entries(rawEvents)) {
    const path = `${base}.${name}`;
    if (!isRecord(raw) || typeof raw.Type !== 'string')
      throw new TemplateError(`${path}.Type`, 'is required');
    const resolved = ctx.stack.resolve(raw.Properties ?? {}, `${path}.Properties`);
    if (!isRecord(resolved)) throw new TemplateError(`${path}.Properties`, 'must be a map');
    const propsPath = `${path}.Properties`;
    switch (raw.Type) {
      case 'HttpApi':
        httpApiEvent(ctx, fn, resolved, propsPath);
        break;
      case 'S3':
        s3Event(ctx, fn, resolved, propsPath, name);
        break;
      case 'SQS': {
        const mapping = sqsMapping(
          ctx,
          `${fn.logicalId}${name}`,
          fn.logicalId,
          { arn: resolved.Queue, path: `${propsPath}.Queue` },
          resolved,
          propsPath,
        );
        if (mapping) ctx.model.sqsMappings.push(mapping);
        break;
      }
      case 'DynamoDB': {
        const mapping = streamMapping(
          ctx,
          `${fn.logicalId}${name}`,
          fn.logicalId,
          resolved,
          propsPath,
        );
        if (mapping) ctx.model.streamMappings.push(mapping);
        break;
      }
      case 'Schedule':
      case 'ScheduleV2': {
        const expression = resolved.Schedule ?? resolved.ScheduleExpression;
        const disabled =
          resolved.Enabled === false ||
          resolved.Enabled === 'false' ||
          resolved.State === 'DISABLED';
        if (typeof expression !== 'string')
          throw new TemplateError(`${propsPath}.Schedule`, 'is required');
        if (disabled) break;
        ctx.model.rules.push({
          logicalId: `${fn.logicalId}${name}`,
          name: typeof resolved.Name === 'string' ? resolved.Name : `${fn.name}-${name}`,
          eventBusName: 'default',
          schedule: { expression, kind: raw.Type === 'ScheduleV2' ? 'scheduler' : 'rule' },
          targets: [
            {
              id: `${fn.logicalId}${name}Target`,
              kind: 'function',
              resourceId: fn.logicalId,
              ...(typeof resolved.Input === 'string' ? { input: resolved.Input } : {}),
            },
          ],
        });
        break;
      }
      case 'EventBridgeRule':
      case 'CloudWatchEvent': {
        if (resolved.Pattern === undefined) {
          ctx.warn(`${propsPath}: EventBridge rules without Pattern are not triggered locally`);
          break;
        }
        const problem = eventPatternProblem(resolved.Pattern);
        if (problem !== undefined) throw new TemplateError(`${propsPath}.Pattern`, problem);
        if (resolved.InputTransformer !== undefined) {
          ctx.warn(
            `${propsPath}.InputTransformer: not applied locally; the event is delivered as is`,
          );
        }
        ctx.model.rules.push({
          logicalId: `${fn.logicalId}${name}`,
          name: typeof resolved.RuleName === 'string' ? resolved.RuleName : `${fn.name}-${name}`,
          eventBusName:
            typeof resolved.EventBusName === 'string' ? resolved.EventBusName : 'default',
          pattern: resolved.Pattern,
          targets: [
            {
              id: `${fn.logicalId}${name}Target`,
              kind: 'function',
              resourceId: fn.logicalId,
              ...(typeof resolved.Input === 'string' ? { input: resolved.Input } : {}),
              ...(typeof resolved.InputPath === 'string' ? { inputPath: resolved.InputPath } : {}),
            },
          ],
        });
        break;
      }
      default:
        ctx.warn(`${path}: event type ${raw.Type} is not delivered locally`);
    }
  }
};
