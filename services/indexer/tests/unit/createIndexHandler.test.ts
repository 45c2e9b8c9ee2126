import { Metrics } from '@aws-lambda-powertools/metrics';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, NotFound, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { handledFailures } from '@shop/common/lambda';
import { createLogger } from '@shop/common/logger';
import { lambdaContext } from '@shop/testing/lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoDBMediaCatalog } from '../../src/adapters/DynamoDBMediaCatalog.js';
import { S3ObjectInspector } from '../../src/adapters/S3ObjectInspector.js';
import { S3OutcomeReader } from '../../src/adapters/S3OutcomeReader.js';
import { createIndexHandler } from '../../src/app/createIndexHandler.js';
import { normaliseSequencer } from '../../src/domain/sequencer.js';
import { indexBatch, s3Event } from '../support/events.js';
import { captureLogLines } from '../support/logLines.js';

// The SQS handler with the real adapters over mocked SDK clients: partial batch failures,
// metrics, log lines (each with its record's messageId), duplicates and vanished objects.

const BUCKET = 'shop-uploads-123456789012-us-east-1';
const s3Mock = mockClient(S3Client);
const dynamoMock = mockClient(DynamoDBDocumentClient);
// Unit test files share one module graph per worker: put the clients' send back after this file.
afterAll(() => {
  s3Mock.restore();
  dynamoMock.restore();
});

const setup = () => {
  const lines = captureLogLines();
  const logger = createLogger('indexer', { logLevel: 'INFO' });
  const metrics = new Metrics({ namespace: 'Shop', serviceName: 'indexer' });
  const addMetric = vi.spyOn(metrics, 'addMetric');
  const s3 = new S3Client({ region: 'us-east-1' });
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const handler = createIndexHandler({
    catalog: new DynamoDBMediaCatalog(documents, 'media-table'),
    inspector: new S3ObjectInspector(s3),
    outcomes: new S3OutcomeReader(s3),
    config: { uploadsBucket: BUCKET, thumbnailsBucket: 'shop-thumbnails' },
    logger,
    metrics,
  });
  /** The metrics added, as `Name=value`, sorted. */
  const counts = () =>
    addMetric.mock.calls.map(([name, , value]) => `${String(name)}=${String(value)}`).sort();
  const context = lambdaContext({ functionName: 'shop-IndexerFunction' });
  return {
    handle: (event: ReturnType<typeof indexBatch>) => handler(event, context),
    lines,
    counts,
  };
};

beforeEach(() => {
  s3Mock.reset();
  dynamoMock.reset();
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

afterEach(() => {
  vi.restoreAllMocks();
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

describe('createIndexHandler', () => {
  it('indexes, deletes and fails only the malformed message of a batch', async () => {
    // Prepare
    const { handle, lines, counts } = setup();
    const event = indexBatch(created(), '{"not":"an s3 event"}', deleted('uploads/prod-2/x.png'));
    const [first, malformed, third] = event.Records.map((record) => record.messageId);

    // Act
    const response = await handle(event);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: malformed }] });
    // Bad input is not the version's failure: it never rolls back a deployment.
    expect(handledFailures(response)).toBe(0);
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
    expect(counts()).toEqual(['ObjectsDeleted=1', 'ObjectsIndexed=1']);
    expect(lines).toEqual([
      expect.objectContaining({ message: 'object indexed', messageId: first, level: 'INFO' }),
      expect.objectContaining({
        message: expect.stringContaining('malformed'),
        level: 'WARN',
        messageId: malformed,
        receiveCount: '1',
        reason: expect.stringContaining('body.'),
      }),
      expect.objectContaining({ message: 'object deleted', messageId: third, productId: 'prod-2' }),
    ]);
  });

  it('acknowledges a duplicate or stale event and counts it as ignored', async () => {
    // Prepare
    const { handle, lines, counts } = setup();
    dynamoMock
      .on(PutCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'stale', $metadata: {} }));

    // Act
    const response = await handle(indexBatch(created()));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(counts()).toEqual(['EventsIgnored=1']);
    expect(lines).toEqual([
      expect.objectContaining({ message: 'event ignored', reason: 'stale-or-duplicate' }),
    ]);
  });

  it('acknowledges an object that vanished before the HEAD without writing', async () => {
    // Prepare
    const { handle, counts } = setup();
    s3Mock.on(HeadObjectCommand).rejects(new NotFound({ message: 'NotFound', $metadata: {} }));

    // Act
    const response = await handle(indexBatch(created(), deleted()));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(dynamoMock).not.toHaveReceivedCommand(PutCommand);
    expect(counts()).toEqual(['EventsIgnored=1', 'ObjectsDeleted=1']);
  });

  it('reports a message whose write fails, for SQS to redeliver', async () => {
    // Prepare
    const { handle, lines } = setup();
    dynamoMock.on(UpdateCommand).rejects(
      Object.assign(new Error('Throughput exceeded'), {
        name: 'ProvisionedThroughputExceededException',
      }),
    );
    const event = indexBatch(created(), deleted());
    const failed = event.Records[1]?.messageId;

    // Act
    const response = await handle(event);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: failed }] });
    expect(handledFailures(response)).toBe(1);
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: expect.stringContaining('indexing failed'),
        level: 'ERROR',
        messageId: failed,
        key: 'uploads/prod-1/front view.jpg',
        error: expect.objectContaining({ name: 'ProvisionedThroughputExceededException' }),
      }),
    );
  });

  it('fails the invocation when every message fails on DynamoDB, so Lambda backs off', async () => {
    // Prepare
    const { handle } = setup();
    dynamoMock
      .on(PutCommand)
      .rejects(Object.assign(new Error('down'), { name: 'InternalServerError' }));
    dynamoMock
      .on(UpdateCommand)
      .rejects(Object.assign(new Error('down'), { name: 'InternalServerError' }));

    // Act
    const attempt = handle(indexBatch(created(), deleted()));

    // Assess
    await expect(attempt).rejects.toThrow('All 2 records failed, 2 of them on S3 or DynamoDB');
  });

  it('reports a batch of malformed messages without failing the invocation', async () => {
    // Prepare: bad input is not a Lambda error (no Errors alarm, no deployment rollback).
    const { handle, lines } = setup();
    const event = indexBatch('garbage', '{}');

    // Act
    const response = await handle(event);

    // Assess
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(
      event.Records.map((record) => record.messageId),
    );
    expect(handledFailures(response)).toBe(0);
    expect(dynamoMock).not.toHaveReceivedAnyCommand();
    expect(lines.filter((line) => line.level === 'ERROR')).toEqual([]);
    expect(lines.filter((line) => line.level === 'WARN')).toHaveLength(2);
  });
});
