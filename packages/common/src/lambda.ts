import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { withDeadline } from './aws.js';

/** Where an event's correlation id comes from: a value, or nothing for an event without one. */
export type CorrelationId<Event> = (event: Event) => string | undefined;

interface MaybeRecords {
  Records?: readonly Record<string, unknown>[];
}

const firstRecord = (event: unknown): Record<string, unknown> | undefined =>
  (event as MaybeRecords | undefined)?.Records?.[0];

const asString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * Correlation ids of the event sources the shop uses, read without JMESPath (Powertools'
 * `correlationIdPath` would bundle a JMESPath interpreter into every function). Batch handlers
 * set the record's own id per record on top of the first record's id set here.
 */
export const CORRELATION_IDS = {
  /** HTTP API (payload 2.0) and its Lambda authorizer: API Gateway's request id. */
  httpApi: (event: unknown) =>
    asString((event as { requestContext?: { requestId?: unknown } })?.requestContext?.requestId),
  /** SQS: the (first) message id. */
  sqs: (event: unknown) => asString(firstRecord(event)?.messageId),
  /** S3 notification: S3's request id of the (first) change. */
  s3: (event: unknown) =>
    asString(
      (firstRecord(event)?.responseElements as Record<string, unknown> | undefined)?.[
        'x-amz-request-id'
      ],
    ),
  /** DynamoDB stream: the (first) record's event id. */
  dynamodbStream: (event: unknown) => asString(firstRecord(event)?.eventID),
} as const satisfies Record<string, CorrelationId<unknown>>;

/** What {@link lambdaHandler} wires around a handler. */
export interface LambdaHandlerOptions<Event> {
  /** The service's logger (`createLogger`): Lambda context, cold start and correlation id. */
  logger: Logger;
  /** The service's metrics: flushed after every invocation, plus a ColdStart metric. */
  metrics?: Metrics;
  /** The event's correlation id (one of {@link CORRELATION_IDS}). */
  correlationId: CorrelationId<Event>;
  /** AWS calls of an invocation end this long before the function's timeout (`withDeadline`). */
  deadlineMarginMs: number;
}

const correlate = <Event>(
  logger: Logger,
  correlationId: CorrelationId<Event>,
): MiddlewareObj<Event> => ({
  before: ({ event }) => {
    const id = correlationId(event);
    if (id !== undefined) logger.setCorrelationId(id);
  },
});

/**
 * Powertools' `logMetrics` middleware (ColdStart metric before, flush after or on error) with
 * one difference: an invocation that stored no metric publishes nothing and logs nothing.
 * `logMetrics` warns "No application metrics to publish" then, which is normal here (an event
 * whose records were all skipped, an `s3:TestEvent`) and would be noise in every such log.
 */
const flushMetrics = (metrics: Metrics): MiddlewareObj<unknown, unknown, Error, Context> => {
  const flush = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return {
    before: ({ context }) => {
      metrics.captureColdStartMetric(context.functionName);
    },
    after: flush,
    onError: flush,
  };
};

/**
 * The metric of the failures a function answered instead of throwing: Lambda's `Errors`
 * counts only invocations that threw or timed out, so a version that answers every request
 * with a 500, or reports every record of its batches as failed, never raises it. Dimensions
 * `service`, `function_name` and `version` (the version that ran, as CodeDeploy's rollback
 * alarms name it).
 */
export const HANDLED_FAILURES_METRIC = 'HandledFailures';

/** Where {@link excuseFailures} keeps its count on a response (JSON never shows a symbol key). */
const EXCUSED = Symbol('excusedFailures');

/**
 * Say that `count` of a batch response's `batchItemFailures` are not the function's doing, so
 * that {@link HANDLED_FAILURES_METRIC} leaves them out and they cannot roll back a deployment:
 * records that can never succeed (malformed, refused for their content or recipient: bad
 * input on any version) and records not attempted (held back behind a failed record of their
 * FIFO group, left for lack of time). Lambda sees the same response: the count is a symbol-keyed,
 * non-enumerable property that serialisation skips.
 *
 * @example
 * return excuseFailures(response, malformed);
 */
export const excuseFailures = <T extends object>(response: T, count: number): T => {
  Object.defineProperty(response, EXCUSED, { value: count, configurable: true });
  return response;
};

/**
 * How many failures an invocation's result reports: 1 for an HTTP answer with a 5xx status,
 * the records listed in `batchItemFailures` (SQS, DynamoDB Streams) less those
 * {@link excuseFailures} excused, else 0.
 *
 * @example
 * handledFailures({ statusCode: 503, body: '' }); // 1
 * handledFailures({ batchItemFailures: [{ itemIdentifier: 'm-1' }] }); // 1
 */
export const handledFailures = (result: unknown): number => {
  if (typeof result !== 'object' || result === null) return 0;
  const { statusCode, batchItemFailures } = result as {
    statusCode?: unknown;
    batchItemFailures?: unknown;
  };
  if (Array.isArray(batchItemFailures)) return batchItemFailures.length - rejectedRecords(result);
  return typeof statusCode === 'number' && statusCode >= 500 ? 1 : 0;
};

/**
 * The metric of the failed records {@link excuseFailures} left out of
 * {@link HANDLED_FAILURES_METRIC} (bad input), same dimensions. One poison message must not roll
 * a deployment back, but a version whose parser wrongly refuses every record must: the rollback
 * alarms of the batch functions add it to their failures from 3 records a minute on.
 */
export const REJECTED_RECORDS_METRIC = 'RejectedRecords';

/**
 * How many of a batch response's failures {@link excuseFailures} excused (never more than it
 * lists), else 0.
 *
 * @example
 * rejectedRecords(excuseFailures({ batchItemFailures: [{ itemIdentifier: 'm-1' }] }, 1)); // 1
 */
export const rejectedRecords = (result: unknown): number => {
  if (typeof result !== 'object' || result === null) return 0;
  const { batchItemFailures } = result as { batchItemFailures?: unknown };
  const excused = (result as { [EXCUSED]?: unknown })[EXCUSED];
  if (!Array.isArray(batchItemFailures) || typeof excused !== 'number') return 0;
  return Math.max(0, Math.min(excused, batchItemFailures.length));
};

/**
 * Publish {@link HANDLED_FAILURES_METRIC} and {@link REJECTED_RECORDS_METRIC} at once for an
 * invocation whose result reports failures, each on its own line with the version's dimensions.
 */
const countHandledFailures = (
  metrics: Metrics,
): MiddlewareObj<unknown, unknown, Error, Context> => ({
  after: ({ response, context }) => {
    const counts: [string, number][] = [
      [HANDLED_FAILURES_METRIC, handledFailures(response)],
      [REJECTED_RECORDS_METRIC, rejectedRecords(response)],
    ];
    for (const [name, count] of counts) {
      if (count === 0) continue;
      const metric = metrics.singleMetric();
      metric.addDimensions({
        function_name: context.functionName,
        version: context.functionVersion,
      });
      metric.addMetric(name, MetricUnit.Count, count);
    }
  },
});

/**
 * A Lambda handler the way every function of the shop is wired: Middy with Powertools'
 * `injectLambdaContext` (request id, cold start, function name in every log line; keys
 * appended during an invocation are cleared after it), a correlation id from the event,
 * Powertools Metrics flushed once per invocation (plus the ColdStart metric, as `logMetrics`
 * does, and {@link HANDLED_FAILURES_METRIC} for a result that reports failures) and the AWS
 * call deadline of {@link withDeadline}.
 *
 * Middy's own early timeout is off: the deadline already ends every AWS call `deadlineMarginMs`
 * before the timeout, so the handler still answers (a 503, a batch's partial failures) instead
 * of failing the whole invocation.
 *
 * @example
 * export const handler = lambdaHandler(createApiHandler(deps), {
 *   logger, metrics, correlationId: CORRELATION_IDS.httpApi, deadlineMarginMs: 1_000,
 * });
 */
export const lambdaHandler = <Event, Result>(
  handler: (event: Event, context: Context) => Promise<Result>,
  { logger, metrics, correlationId, deadlineMarginMs }: LambdaHandlerOptions<Event>,
) => {
  const wired = middy<Event, Result, Error, Context>(
    withDeadline(handler, { marginMs: deadlineMarginMs }),
    { timeoutEarlyInMillis: 0 },
  )
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlate(logger, correlationId));
  return metrics === undefined
    ? wired
    : wired.use(flushMetrics(metrics)).use(countHandledFailures(metrics));
};
