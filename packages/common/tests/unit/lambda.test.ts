import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AwsDeadlineExceededError, createAwsClient } from '../../src/aws.js';
import {
  CORRELATION_IDS,
  type CorrelationId,
  excuseFailures,
  HANDLED_FAILURES_METRIC,
  handledFailures,
  lambdaHandler,
  REJECTED_RECORDS_METRIC,
  rejectedRecords,
} from '../../src/lambda.js';
import { createLogger } from '../../src/logger.js';
import { closeServers, invocationContext, LOCAL, stallingServer } from '../support/localServers.js';

/** Every JSON line written to stdout while the spy is installed. */
const captureStdout = () => {
  const lines: Record<string, unknown>[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    for (const line of String(chunk).split('\n')) {
      if (line.trim() !== '') lines.push(JSON.parse(line));
    }
    return true;
  });
  return lines;
};

afterEach(() => {
  closeServers();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const httpEvent = (requestId: string) => ({ requestContext: { requestId } });

/**
 * A handler wrapped as the services wrap theirs, with metrics published (to stdout, as EMF):
 * `body` gets the Metrics instance, `lines` every JSON line the invocations write.
 */
const withMetrics = (
  body: (metrics: Metrics) => (event: unknown) => Promise<unknown>,
  correlationId: CorrelationId<unknown> = CORRELATION_IDS.sqs,
) => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  const lines = captureStdout();
  const metrics = new Metrics({ namespace: 'Shop', serviceName: 'svc' });
  const handler = lambdaHandler(body(metrics), {
    logger: createLogger('svc'),
    metrics,
    correlationId,
    deadlineMarginMs: 1_000,
  });
  return { lines, handler };
};

describe('lambdaHandler', () => {
  it('logs with the Lambda context, the correlation id and cold start once', async () => {
    // Prepare
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand'); // as Lambda sets it
    const lines = captureStdout();
    const logger = createLogger('svc', { logLevel: 'INFO' });
    const handler = lambdaHandler(
      async (event: { requestContext: { requestId: string } }) => {
        logger.info('handled', { temporary: event.requestContext.requestId });
        return 'ok';
      },
      { logger, correlationId: CORRELATION_IDS.httpApi, deadlineMarginMs: 1_000 },
    );
    const first = invocationContext('shop-Fn');

    // Act
    const results = [
      await handler(httpEvent('req-1'), first),
      await handler(httpEvent('req-2'), invocationContext('shop-Fn')),
    ];

    // Assess
    expect(results).toEqual(['ok', 'ok']);
    expect(lines).toEqual([
      expect.objectContaining({
        message: 'handled',
        correlation_id: 'req-1',
        cold_start: true,
        function_name: 'shop-Fn',
        function_request_id: first.awsRequestId,
        service: 'svc',
      }),
      expect.objectContaining({ message: 'handled', correlation_id: 'req-2', cold_start: false }),
    ]);
  });

  it('clears keys appended during an invocation, so none leaks into the next', async () => {
    // Prepare
    const lines = captureStdout();
    const logger = createLogger('svc', { logLevel: 'INFO' });
    const handler = lambdaHandler(
      async (event: { Records: { messageId: string }[] }) => {
        if (event.Records[0]?.messageId === 'm-1') logger.appendKeys({ orderId: 'o-1' });
        logger.info('record');
      },
      { logger, correlationId: CORRELATION_IDS.sqs, deadlineMarginMs: 1_000 },
    );

    // Act
    await handler({ Records: [{ messageId: 'm-1' }] }, invocationContext());
    await handler({ Records: [] }, invocationContext());

    // Assess
    expect(lines[0]).toMatchObject({ orderId: 'o-1', correlation_id: 'm-1' });
    expect(lines[1]).not.toHaveProperty('orderId');
    expect(lines[1]).not.toHaveProperty('correlation_id');
  });

  it('flushes business metrics after each invocation, with a ColdStart metric first', async () => {
    // Prepare
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const { lines, handler } = withMetrics(
      (metrics) => async () => {
        metrics.addMetric('OrdersPlaced', MetricUnit.Count, 1);
      },
      CORRELATION_IDS.s3,
    );

    // Act
    await handler({}, invocationContext('shop-Fn'));
    await handler({}, invocationContext('shop-Fn'));

    // Assess
    const names = lines.map((line) =>
      (
        line._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }
      ).CloudWatchMetrics[0]?.Metrics.map((metric) => metric.Name),
    );
    expect(names).toEqual([['ColdStart'], ['OrdersPlaced'], ['OrdersPlaced']]);
    expect(lines[0]).toMatchObject({ function_name: 'shop-Fn', ColdStart: 1 });
  });

  it('publishes nothing and warns nothing for an invocation that stored no metric', async () => {
    // Prepare
    const { lines, handler } = withMetrics(() => async () => undefined, CORRELATION_IDS.s3);
    const warnings: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      warnings.push(String(chunk));
      return true;
    });

    // Act
    await handler({}, invocationContext());

    // Assess
    expect(lines).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('counts the failures a result reports under the version that ran, at once', async () => {
    // Prepare: a version answering 500, then a batch with two failed records, then a success.
    const results: unknown[] = [
      { statusCode: 500, body: '{}' },
      { batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }] },
      { statusCode: 200, body: '{}' },
      { batchItemFailures: [] },
    ];
    const { lines, handler } = withMetrics(() => async () => results.shift());
    const context = { ...invocationContext('shop-Fn'), functionVersion: '7' };

    // Act
    for (let i = 0; i < 4; i++) await handler({}, context);

    // Assess: one line per failing invocation, dimensions as the rollback alarms name them.
    const failures = lines.filter((line) => HANDLED_FAILURES_METRIC in line);
    expect(failures).toEqual([
      expect.objectContaining({
        service: 'svc',
        function_name: 'shop-Fn',
        version: '7',
        [HANDLED_FAILURES_METRIC]: 1,
      }),
      expect.objectContaining({ version: '7', [HANDLED_FAILURES_METRIC]: 2 }),
    ]);
    const directive = (failures[0]?._aws as { CloudWatchMetrics: unknown[] } | undefined)
      ?.CloudWatchMetrics[0];
    expect(directive).toEqual({
      Namespace: 'Shop',
      Dimensions: [['service', 'function_name', 'version']],
      Metrics: [{ Name: HANDLED_FAILURES_METRIC, Unit: 'Count' }],
    });
  });

  it('counts excused records as rejected, apart from the failures', async () => {
    // Prepare: a batch of three failed records, two of them bad input; then one of bad input only.
    const failed = (...ids: string[]) => ({
      batchItemFailures: ids.map((itemIdentifier) => ({ itemIdentifier })),
    });
    const results: unknown[] = [
      excuseFailures(failed('m-1', 'm-2', 'm-3'), 2),
      excuseFailures(failed('m-4'), 1),
    ];
    const { lines, handler } = withMetrics(() => async () => results.shift());
    const context = { ...invocationContext('shop-Fn'), functionVersion: '7' };

    // Act
    await handler({}, context);
    await handler({}, context);

    // Assess
    const counted = lines
      .filter((line) => HANDLED_FAILURES_METRIC in line || REJECTED_RECORDS_METRIC in line)
      .map((line) => ({
        version: line.version,
        function_name: line.function_name,
        handled: line[HANDLED_FAILURES_METRIC],
        rejected: line[REJECTED_RECORDS_METRIC],
      }));
    expect(counted).toEqual([
      { version: '7', function_name: 'shop-Fn', handled: 1, rejected: undefined },
      { version: '7', function_name: 'shop-Fn', handled: undefined, rejected: 2 },
      { version: '7', function_name: 'shop-Fn', handled: undefined, rejected: 1 },
    ]);
  });

  it('passes errors through unchanged', async () => {
    // Prepare
    captureStdout();
    const failure = new RangeError('boom');
    const handler = lambdaHandler(
      async () => {
        throw failure;
      },
      { logger: createLogger('svc'), correlationId: CORRELATION_IDS.sqs, deadlineMarginMs: 1_000 },
    );

    // Act
    const error = await handler({ Records: [] }, invocationContext()).catch((caught) => caught);

    // Assess
    expect(error).toBe(failure);
  });

  it('ends AWS calls deadlineMarginMs before the function timeout', async () => {
    // Prepare: an S3 endpoint that never answers, a client that would wait 10 s
    captureStdout();
    const stalled = await stallingServer();
    const s3 = createAwsClient(S3Client, 'S3', {
      ...LOCAL,
      endpoint: stalled.url,
      forcePathStyle: true,
      connectionTimeoutMs: 1_000,
      requestTimeoutMs: 10_000,
      maxAttempts: 1,
    });
    const handler = lambdaHandler(() => s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'k' })), {
      logger: createLogger('svc'),
      correlationId: CORRELATION_IDS.s3,
      deadlineMarginMs: 1_000,
    });
    const started = Date.now();

    // Act
    const error = await handler({}, invocationContext('shop-Fn', 1_300)).catch((caught) => caught);

    // Assess: the budget (timeout - margin = 300 ms) ran out, long before the client's timeout
    expect(error).toBeInstanceOf(AwsDeadlineExceededError);
    expect(stalled.requests).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1_300);
  });
});

describe('handledFailures', () => {
  it.each([
    [{ statusCode: 500 }, 1],
    [{ statusCode: 503, headers: { 'retry-after': '1' } }, 1],
    [{ statusCode: 499 }, 0],
    [{ statusCode: 201 }, 0],
    [{ batchItemFailures: [{ itemIdentifier: 'a' }, { itemIdentifier: 'b' }] }, 2],
    [{ batchItemFailures: [] }, 0],
    [{ isAuthorized: false }, 0],
    [{ statusCode: '500' }, 0],
    ['ok', 0],
    [null, 0],
    [undefined, 0],
  ])('%j reports %i', (result, count) => {
    // Act / Assess
    expect(handledFailures(result)).toBe(count);
  });
});

describe('excuseFailures', () => {
  it('leaves excused records out of the count, never below zero', () => {
    // Prepare
    const failures = () => ({
      batchItemFailures: [
        { itemIdentifier: 'a' },
        { itemIdentifier: 'b' },
        { itemIdentifier: 'c' },
      ],
    });

    // Act / Assess
    expect(handledFailures(excuseFailures(failures(), 2))).toBe(1);
    expect(handledFailures(excuseFailures(failures(), 3))).toBe(0);
    expect(handledFailures(excuseFailures(failures(), 5))).toBe(0);
    expect(handledFailures(excuseFailures(failures(), 0))).toBe(3);
    expect(rejectedRecords(excuseFailures(failures(), 2))).toBe(2);
    expect(rejectedRecords(excuseFailures(failures(), 5))).toBe(3);
    expect(rejectedRecords(failures())).toBe(0);
  });

  it('changes nothing Lambda reads from the response', () => {
    // Prepare
    const response = { batchItemFailures: [{ itemIdentifier: 'a' }] };

    // Act
    const excused = excuseFailures(response, 1);

    // Assess
    expect(excused).toBe(response);
    expect(JSON.parse(JSON.stringify(excused))).toEqual({
      batchItemFailures: [{ itemIdentifier: 'a' }],
    });
    expect(Object.keys(excused)).toEqual(['batchItemFailures']);
  });
});

describe('CORRELATION_IDS', () => {
  it('reads each event source id, and nothing from events without one', () => {
    // Assess
    expect(CORRELATION_IDS.httpApi(httpEvent('r'))).toBe('r');
    expect(CORRELATION_IDS.sqs({ Records: [{ messageId: 'm' }] })).toBe('m');
    expect(
      CORRELATION_IDS.s3({ Records: [{ responseElements: { 'x-amz-request-id': 's3-req' } }] }),
    ).toBe('s3-req');
    expect(CORRELATION_IDS.dynamodbStream({ Records: [{ eventID: 'e' }] })).toBe('e');
    for (const read of Object.values(CORRELATION_IDS)) {
      expect(read({})).toBeUndefined();
      expect(read(undefined)).toBeUndefined();
      expect(read({ Records: [{ messageId: '' }], requestContext: {} })).toBeUndefined();
    }
  });
});
