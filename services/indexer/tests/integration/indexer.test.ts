import { Metrics } from '@aws-lambda-powertools/metrics';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CORRELATION_IDS, lambdaHandler } from '@shop/common/lambda';
import { createLogger } from '@shop/common/logger';
import { encodeS3EventKey } from '@shop/contracts/mediaKeys';
import { ensureBucket, ensureQueue } from '@shop/local-cloud';
import { uniqueName, useBackends } from '@shop/local-cloud/testing';
import { lambdaContext } from '@shop/testing/lambda';
import { sqsEvent, sqsRecordFromMessage } from '@shop/testing/sqsEvents';
import { createTableFromTemplate } from '@shop/testing/tables';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBMediaCatalog } from '../../src/adapters/DynamoDBMediaCatalog.js';
import { S3ObjectInspector } from '../../src/adapters/S3ObjectInspector.js';
import { S3OutcomeReader } from '../../src/adapters/S3OutcomeReader.js';
import { createIndexHandler } from '../../src/app/createIndexHandler.js';
import { AWS_LIMITS } from '../../src/config.js';
import { normaliseSequencer } from '../../src/domain/sequencer.js';
import { indexBatch, s3Event } from '../support/events.js';

// The SQS handler, wired as handlers/sqs.ts wires it, against the local backends (embedded, or
// AWS_ENDPOINT_URL): real objects in S3 (so the HEAD is real), real conditional writes and GSI
// queries on MediaTable as template.yaml defines it.

const { clients } = useBackends();
const bucket = uniqueName('uploads');
let catalog: DynamoDBMediaCatalog;
let handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

beforeAll(async () => {
  const [{ tableName }] = await Promise.all([
    createTableFromTemplate(clients, 'MediaTable'),
    ensureBucket(clients, bucket),
  ]);
  catalog = new DynamoDBMediaCatalog(DynamoDBDocumentClient.from(clients.dynamodb), tableName);
  const logger = createLogger('indexer', { logLevel: 'CRITICAL' });
  const metrics = new Metrics({ namespace: 'Shop', serviceName: 'indexer' });
  const app = createIndexHandler({
    catalog,
    inspector: new S3ObjectInspector(clients.s3),
    outcomes: new S3OutcomeReader(clients.s3),
    config: { uploadsBucket: bucket, thumbnailsBucket: 'thumbnails-bucket' },
    logger,
    metrics,
  });
  handler = lambdaHandler(app, {
    logger,
    metrics,
    correlationId: CORRELATION_IDS.sqs,
    deadlineMarginMs: AWS_LIMITS.deadlineMarginMs,
  });
});

/** Upload an object; returns its ETag as S3 events carry it (no quotes). */
const upload = async (key: string, body = 'image bytes', metadata: Record<string, string> = {}) => {
  const { ETag } = await clients.s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType: 'image/jpeg',
      Metadata: metadata,
    }),
  );
  return (ETag ?? '').replaceAll('"', '');
};

// S3 URL-encodes keys in events; `raw` sends the key as some emulators do.
const created = (key: string, sequencer: string, etag: string, raw = false) =>
  s3Event({
    type: 'Object Created',
    bucket,
    key: raw ? key : encodeS3EventKey(key),
    sequencer,
    etag,
    size: 11,
  });
const deleted = (key: string, sequencer: string) =>
  s3Event({ type: 'Object Deleted', bucket, key: encodeS3EventKey(key), sequencer });

const context = () => lambdaContext({ functionName: 'shop-IndexerFunction' });
const deliver = (...bodies: unknown[]) => handler(indexBatch(...bodies), context());

describe('indexer (SQS handler against the local backends)', () => {
  it('indexes a created object with its HEAD metadata', async () => {
    // Prepare
    const key = 'uploads/prod-a/front view é+1.jpg';
    const etag = await upload(key, 'image bytes', { alt: 'Front view' });

    // Act
    const response = await deliver(created(key, '617f08299329d189', etag));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const item = await catalog.get(key);
    expect(item).toMatchObject({
      key,
      bucket,
      productId: 'prod-a',
      name: 'front view é+1.jpg',
      status: 'processing',
      size: 11,
      eTag: etag,
      contentType: 'image/jpeg',
      metadata: { alt: 'Front view' },
      sequencer: normaliseSequencer('617f08299329d189'),
      thumbnails: [],
      thumbnailsBucket: 'thumbnails-bucket',
    });
    expect(item?.status === 'processing' && item.lastModified).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('indexes an event that carries the raw key (spaces and unicode)', async () => {
    const key = 'uploads/prod-a/raw name ü 日本.jpg';
    const etag = await upload(key);

    const response = await deliver(created(key, '617f08299329d189', etag, true));

    expect(response.batchItemFailures).toEqual([]);
    expect((await catalog.get(key))?.status).toBe('processing');
  });

  it('marks a deleted object deleted and drops it from the product listing', async () => {
    // Prepare
    const key = 'uploads/prod-b/to-delete.jpg';
    const etag = await upload(key);
    await deliver(created(key, '617f08299329d189', etag));
    await clients.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));

    // Act
    const response = await deliver(deleted(key, '617f0837b476e463'));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const item = await catalog.get(key);
    expect(item).toMatchObject({
      status: 'deleted',
      deletedAt: '2026-03-14T09:26:53Z',
      eTag: etag,
    });
    expect(item).not.toHaveProperty('productSort');
    expect((await catalog.listByProduct('prod-b')).items).toEqual([]);
  });

  it('keeps an object deleted when the delete is delivered before the older create', async () => {
    // Prepare: created (seq 1), deleted (seq 2), uploaded again with the same bytes (seq 3).
    const key = 'uploads/prod-c/flapping.jpg';
    const etag = await upload(key);

    // Act
    const first = await deliver(
      deleted(key, '6745d1d2b7c4e910'),
      created(key, '6745d1c8a3b1f2e0', etag),
    );
    const afterDeleteFirst = await catalog.get(key);
    const second = await deliver(created(key, '6745d1e5000a0b0c', etag));

    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(afterDeleteFirst).toMatchObject({
      status: 'deleted',
      sequencer: normaliseSequencer('6745d1d2b7c4e910'),
    });
    expect(second.batchItemFailures).toEqual([]);
    expect(await catalog.get(key)).toMatchObject({
      status: 'processing',
      sequencer: normaliseSequencer('6745d1e5000a0b0c'),
    });
  });

  it('changes nothing when an event is delivered twice', async () => {
    // Prepare
    const key = 'uploads/prod-d/dup.jpg';
    const etag = await upload(key);
    const event = created(key, '617f08299329d189', etag);
    await deliver(event);
    const before = await catalog.get(key);

    // Act
    const response = await deliver(event);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await catalog.get(key)).toEqual(before);
  });

  it('acknowledges an object that vanished before the HEAD, leaving no item', async () => {
    const key = 'uploads/prod-e/gone.jpg';

    const response = await deliver(
      created(key, '617f08299329d189', 'b1946ac92492d2347c6235b4d2611184'),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(await catalog.get(key)).toBeUndefined();
  });

  it('fails only the malformed message of a batch', async () => {
    // Prepare
    const key = 'uploads/prod-f/ok.jpg';
    const etag = await upload(key);
    const event = indexBatch(
      '{"detail-type":"Object Created"}',
      created(key, '617f08299329d189', etag),
    );

    // Act
    const response = await handler(event, context());

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]?.messageId }]);
    expect((await catalog.get(key))?.status).toBe('processing');
  });

  it('parses a message as the queue delivers it', async () => {
    // Prepare: the event goes through a real queue, as UploadsEventsRule sends it.
    const queue = await ensureQueue(clients, uniqueName('index'));
    const key = 'uploads/prod-g/queued.jpg';
    const etag = await upload(key);
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: JSON.stringify(created(key, '617f08299329d189', etag)),
      }),
    );
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MessageSystemAttributeNames: ['All'],
        WaitTimeSeconds: 2,
      }),
    );
    const records = Messages.map((message) => sqsRecordFromMessage(message, queue.arn));

    // Act
    const response = await handler(sqsEvent(...records), context());

    // Assess
    expect(records).toHaveLength(1);
    expect(response.batchItemFailures).toEqual([]);
    expect((await catalog.get(key))?.status).toBe('processing');
  });
});
