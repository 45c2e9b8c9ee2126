import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, NotFound, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { normaliseSequencer } from '../../src/domain/sequencer.js';
import { lambdaContext, s3Event, sqsEvent } from '../support/events.js';

const BUCKET = 'shop-uploads-123456789012-us-east-1';
const s3Mock = mockClient(S3Client);
const dynamoMock = mockClient(DynamoDBDocumentClient);

let handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
let telemetry: typeof import('../../src/telemetry.js');

beforeAll(async () => {
  vi.stubEnv('MEDIA_TABLE_NAME', 'media-table');
  vi.stubEnv('UPLOADS_BUCKET', BUCKET);
  vi.stubEnv('THUMBNAILS_BUCKET', 'shop-thumbnails');
  ({ handler } = await import('../../src/handlers/sqs.js'));
  telemetry = await import('../../src/telemetry.js');
});

afterAll(() => {
  vi.unstubAllEnvs();
});

beforeEach(() => {
  s3Mock.reset();
  dynamoMock.reset();
  vi.restoreAllMocks();
  for (const level of ['info', 'warn', 'error'] as const) {
    vi.spyOn(telemetry.logger, level).mockImplementation(() => undefined);
  }
  vi.spyOn(telemetry.metrics, 'publishStoredMetrics').mockImplementation(() => telemetry.metrics);
  s3Mock.on(HeadObjectCommand).resolves({
    ContentLength: 5,
    ETag: '"b1946ac92492d2347c6235b4d2611184"',
    ContentType: 'image/jpeg',
    Metadata: { alt: 'front' },
    LastModified: new Date('2026-03-14T09:26:53.000Z'),
  });
  dynamoMock.on(PutCommand).resolves({});
  dynamoMock.on(UpdateCommand).resolves({});
});

const created = (key = 'uploads/prod-1/front+view.jpg', sequencer = '617f08299329d189') =>
  s3Event({
    type: 'Object Created',
    bucket: BUCKET,
    key,
    sequencer,
    etag: 'b1946ac92492d2347c6235b4d2611184',
    size: 5,
  });
const deleted = (key = 'uploads/prod-1/front+view.jpg', sequencer = '617f0837b476e463') =>
  s3Event({ type: 'Object Deleted', bucket: BUCKET, key, sequencer });

/** The metrics added during the test, as `Name=value`. */
const countsOf = (addMetric: { mock: { calls: unknown[][] } }) =>
  addMetric.mock.calls.map(([name, , value]) => `${String(name)}=${String(value)}`);

describe('sqs handler', () => {
  it('indexes, deletes and fails only the malformed message of a batch', async () => {
    // Prepare
    const addMetric = vi.spyOn(telemetry.metrics, 'addMetric');
    const event = sqsEvent(created(), '{"not":"an s3 event"}', deleted('uploads/prod-2/x.png'));
    const malformedId = event.Records[1]?.messageId;

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: malformedId }] });
    expect(s3Mock).toHaveReceivedCommandWith(HeadObjectCommand, {
      Bucket: BUCKET,
      Key: 'uploads/prod-1/front view.jpg',
    });
    expect(dynamoMock).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'media-table',
      ConditionExpression: 'attribute_not_exists(#sequencer) OR #sequencer < :sequencer',
      ExpressionAttributeValues: { ':sequencer': normaliseSequencer('617f08299329d189') },
      Item: expect.objectContaining({
        key: 'uploads/prod-1/front view.jpg',
        productId: 'prod-1',
        status: 'processing',
        contentType: 'image/jpeg',
        metadata: { alt: 'front' },
        thumbnails: [],
      }),
    });
    expect(dynamoMock).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { key: 'uploads/prod-2/x.png' },
      ExpressionAttributeValues: expect.objectContaining({ ':status': 'deleted' }),
    });
    expect(countsOf(addMetric).sort()).toEqual(['ObjectsDeleted=1', 'ObjectsIndexed=1']);
    expect(telemetry.logger.warn).toHaveBeenCalledTimes(1);
    expect(telemetry.logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('malformed'),
      expect.objectContaining({ messageId: malformedId, reason: expect.any(String) }),
    );
    expect(telemetry.metrics.publishStoredMetrics).toHaveBeenCalledTimes(1);
  });

  it('acknowledges a duplicate or stale event and counts it as ignored', async () => {
    // Prepare
    const addMetric = vi.spyOn(telemetry.metrics, 'addMetric');
    dynamoMock
      .on(PutCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'stale', $metadata: {} }));

    // Act
    const response = await handler(sqsEvent(created()), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(countsOf(addMetric)).toEqual(['EventsIgnored=1']);
  });

  it('acknowledges an object that vanished before the HEAD without writing', async () => {
    // Prepare
    const addMetric = vi.spyOn(telemetry.metrics, 'addMetric');
    s3Mock.on(HeadObjectCommand).rejects(new NotFound({ message: 'NotFound', $metadata: {} }));

    // Act
    const response = await handler(sqsEvent(created(), deleted()), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(dynamoMock).not.toHaveReceivedCommand(PutCommand);
    expect(countsOf(addMetric).sort()).toEqual(['EventsIgnored=1', 'ObjectsDeleted=1']);
  });

  it('reports a message whose write fails, for SQS to redeliver', async () => {
    // Prepare
    dynamoMock.on(UpdateCommand).rejects(
      Object.assign(new Error('Throughput exceeded'), {
        name: 'ProvisionedThroughputExceededException',
      }),
    );
    const event = sqsEvent(created(), deleted());

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[1]?.messageId }],
    });
    expect(telemetry.logger.error).toHaveBeenCalledWith(
      expect.stringContaining('indexing failed'),
      expect.objectContaining({ key: 'uploads/prod-1/front view.jpg' }),
    );
  });

  it('fails the invocation when every message fails, so Lambda backs off', async () => {
    // Prepare
    const event = sqsEvent('garbage', '{}');

    // Act
    const attempt = handler(event, lambdaContext());

    // Assess
    await expect(attempt).rejects.toThrow(/All records failed/);
    expect(dynamoMock).not.toHaveReceivedAnyCommand();
  });
});
