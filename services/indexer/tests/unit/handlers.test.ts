import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { lambdaContext } from '@shop/testing/lambda';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MediaApiEvent } from '../../src/app/createMediaApiHandler.js';
import { indexBatch, s3Event } from '../support/events.js';
import { captureLogLines } from '../support/logLines.js';

// The two functions as Lambda loads them (src/handlers/*.ts): configuration from the
// environment, Powertools wiring (context, correlation id), SDK clients mocked.

const BUCKET = 'shop-uploads-123456789012-us-east-1';
const s3Mock = mockClient(S3Client);
const dynamoMock = mockClient(DynamoDBDocumentClient);

beforeAll(() => {
  vi.stubEnv('MEDIA_TABLE_NAME', 'media-table');
  vi.stubEnv('UPLOADS_BUCKET', BUCKET);
  vi.stubEnv('THUMBNAILS_BUCKET', 'shop-thumbnails');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
});

afterEach(() => {
  vi.restoreAllMocks();
  s3Mock.reset();
  dynamoMock.reset();
});

afterAll(() => {
  vi.unstubAllEnvs();
  // Unit test files share one module graph per worker: put the clients' send back.
  s3Mock.restore();
  dynamoMock.restore();
});

describe('IndexerFunction (handlers/sqs.ts)', () => {
  it('logs each record with the batch correlation id and its own messageId', async () => {
    // Prepare
    const { handler } = await import('../../src/handlers/sqs.js');
    s3Mock.on(HeadObjectCommand).resolves({
      ContentLength: 5,
      ETag: '"e1"',
      LastModified: new Date('2026-03-14T09:26:53.000Z'),
    });
    dynamoMock.on(PutCommand).resolves({});
    const created = (key: string) =>
      s3Event({ type: 'Object Created', bucket: BUCKET, key, sequencer: '0A', etag: 'e1' });
    const event = indexBatch(created('uploads/p1/a.jpg'), created('uploads/p1/b.jpg'));
    const [first, second] = event.Records.map((record) => record.messageId);
    const lines = captureLogLines();

    // Act
    const response = await handler(event, lambdaContext({ functionName: 'shop-IndexerFunction' }));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const logged = lines.filter((line) => line.message === 'object indexed');
    expect(logged).toEqual([
      expect.objectContaining({
        correlation_id: first,
        messageId: first,
        key: 'uploads/p1/a.jpg',
        function_name: 'shop-IndexerFunction',
        service: 'indexer',
      }),
      expect.objectContaining({
        correlation_id: first,
        messageId: second,
        key: 'uploads/p1/b.jpg',
      }),
    ]);
  });
});

describe('MediaApiFunction (handlers/api.ts)', () => {
  const request = (requestId: string) =>
    ({
      routeKey: 'GET /products/{productId}/media',
      rawPath: '/products/prod-1/media',
      pathParameters: { productId: 'prod-1' },
      queryStringParameters: { limit: '5' },
      headers: {},
      requestContext: {
        requestId,
        authorizer: { lambda: { customerId: 'cus_1', email: 'ann@example.com' } },
      },
    }) as unknown as MediaApiEvent;

  it('answers a page, and logs a failure with the API request id as correlation id', async () => {
    // Prepare
    const { handler } = await import('../../src/handlers/api.js');
    const context = () => lambdaContext({ functionName: 'shop-MediaApiFunction' });
    dynamoMock.on(QueryCommand).resolvesOnce({ Items: [] }).rejects(new Error('unavailable'));
    const lines = captureLogLines();

    // Act
    const page = (await handler(request('req-ok'), context())) as APIGatewayProxyResultV2;
    const failed = (await handler(request('req-failed'), context())) as { statusCode: number };

    // Assess
    expect(page).toMatchObject({ statusCode: 200 });
    expect(dynamoMock).toHaveReceivedCommandWith(QueryCommand, {
      TableName: 'media-table',
      IndexName: 'byProduct',
      Limit: 6, // limit 5, and one more item to tell whether a next page exists
    });
    expect(failed.statusCode).toBe(500);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'media request failed',
        correlation_id: 'req-failed',
        function_name: 'shop-MediaApiFunction',
      }),
    ]);
  });
});
