import { TemplateError } from '../template/errors.js';
import { isRecord, type ProvisionContext } from './context.js';
import type { StreamMappingModel } from './model.js';
import { parseFilterCriteria } from './parseFilterCriteria.js';

const integer = (
  value: unknown,
  fallback: number,
  path: string,
  valid: (n: number) => boolean,
  range: string,
) => {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || !valid(n)) throw new TemplateError(path, `must be ${range}`);
  return n;
};

const onFailureQueue = (
  ctx: ProvisionContext,
  value: unknown,
  path: string,
): string | undefined => {
  const onFailure = isRecord(value) && isRecord(value.OnFailure) ? value.OnFailure : undefined;
  if (onFailure === undefined) return undefined;
  const type = String(onFailure.Type ?? 'SQS');
  if (type !== 'SQS') {
    ctx.warn(`${path}.OnFailure: ${type} destinations are not delivered locally (SQS only)`);
    return undefined;
  }
  const queue = [...ctx.model.queues.values()].find((q) => q.arn === onFailure.Destination);
  if (queue === undefined) {
    ctx.warn(`${path}.OnFailure.Destination: not a queue of this template; records are dropped`);
    return undefined;
  }
  if (queue.name.endsWith('.fifo')) {
    ctx.warn(
      `${path}.OnFailure.Destination: AWS accepts only standard queues here; ${queue.name} is FIFO (delivered locally with a MessageGroupId)`,
    );
  }
  return queue.logicalId;
};

/** A DynamoDB Streams event source mapping (SAM `Type: DynamoDB`) from its resolved properties. */
export const streamMapping = (
  ctx: ProvisionContext,
  id: string,
  functionId: string,
  props: Record<string, unknown>,
  path: string,
): StreamMappingModel | undefined => {
  const table = [...ctx.model.tables.values()].find(
    (t) => t.streamArn !== undefined && t.streamArn === props.Stream,
  );
  if (table?.streamArn === undefined) {
    ctx.warn(
      `${path}.Stream: ${String(props.Stream)} is not the stream of a table of this template (StreamSpecification); not polled`,
    );
    return undefined;
  }
  const startingPosition = props.StartingPosition;
  if (startingPosition !== 'TRIM_HORIZON' && startingPosition !== 'LATEST') {
    throw new TemplateError(`${path}.StartingPosition`, 'must be TRIM_HORIZON or LATEST');
  }
  const batchSize = integer(
    props.BatchSize,
    100,
    `${path}.BatchSize`,
    (n) => n >= 1 && n <= 10_000,
    '1..10000',
  );
  const window = integer(
    props.MaximumBatchingWindowInSeconds,
    0,
    `${path}.MaximumBatchingWindowInSeconds`,
    (n) => n >= 0 && n <= 300,
    '0..300',
  );
  const maximumRetryAttempts = integer(
    props.MaximumRetryAttempts,
    -1,
    `${path}.MaximumRetryAttempts`,
    (n) => n >= -1 && n <= 10_000,
    '-1..10000',
  );
  const maximumRecordAgeSeconds = integer(
    props.MaximumRecordAgeInSeconds,
    -1,
    `${path}.MaximumRecordAgeInSeconds`,
    (n) => n === -1 || (n >= 60 && n <= 604_800),
    '-1 or 60..604800',
  );
  if (Number(props.ParallelizationFactor ?? 1) > 1) {
    ctx.warn(`${path}.ParallelizationFactor: one batch per shard at a time locally`);
  }
  if (props.TumblingWindowInSeconds !== undefined) {
    ctx.warn(`${path}.TumblingWindowInSeconds: tumbling windows are not emulated locally`);
  }
  const types = Array.isArray(props.FunctionResponseTypes) ? props.FunctionResponseTypes : [];
  const onFailureQueueId = onFailureQueue(
    ctx,
    props.DestinationConfig,
    `${path}.DestinationConfig`,
  );
  return {
    id,
    functionId,
    tableId: table.logicalId,
    streamArn: table.streamArn,
    startingPosition,
    batchSize,
    maximumBatchingWindowSeconds: window,
    bisectBatchOnFunctionError:
      props.BisectBatchOnFunctionError === true || props.BisectBatchOnFunctionError === 'true',
    maximumRetryAttempts,
    maximumRecordAgeSeconds,
    reportBatchItemFailures: types.includes('ReportBatchItemFailures'),
    enabled: props.Enabled === undefined || props.Enabled === true || props.Enabled === 'true',
    filters: parseFilterCriteria(props.FilterCriteria, `${path}.FilterCriteria`),
    ...(onFailureQueueId ? { onFailureQueueId } : {}),
  };
};
