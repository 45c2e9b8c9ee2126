import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, type Json, json, useCloud } from './support.js';

// The runner against its fixture stack (tests/fixtures/template.yaml): every trigger type,
// driven only through HTTP and the AWS SDK.
const { cloud, clients } = useCloud('fixtureCloud');
afterAll(() => clients.destroy());

const api = (path: string, init: RequestInit = {}) => fetch(`${cloud.apiUrl}${path}`, init);
const bucket = cloud.buckets.UploadsBucket as string;
const table = cloud.tables.EventsTable as string;

const recorded = async (pk: 's3' | 'sqs'): Promise<Json[]> => {
  const { Items = [] } = await clients.dynamodb.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: pk } },
    }),
  );
  return Items.map((item) => JSON.parse(item.data?.S ?? '{}'));
};

describe('HTTP API', () => {
  it('sends a payload 2.0 event with path, query, cookies, headers and the authorizer context', async () => {
    // Act
    const response = await api('/items/42?a=1&a=2&b=x%20y', {
      headers: { authorization: 'Bearer good', cookie: 'c1=v1; c2=v2', 'X-Custom': 'Yes' },
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('x-handler')).toBe('api');
    expect(response.headers.getSetCookie()).toEqual(['session=abc; Path=/', 'theme=dark']);
    const { event, env } = await json(response);
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /items/{id}',
      rawPath: '/items/42',
      rawQueryString: 'a=1&a=2&b=x%20y',
      cookies: ['c1=v1', 'c2=v2'],
      queryStringParameters: { a: '1,2', b: 'x y' },
      pathParameters: { id: '42' },
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'GET', path: '/items/42', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
        routeKey: 'GET /items/{id}',
        stage: '$default',
        authorizer: { lambda: { user: 'u-1', identity: 'Bearer good' } },
      },
    });
    expect(event.headers['x-custom']).toBe('Yes');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.time).toMatch(/^\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(env).toEqual({
      GREETING: `hello, ${cloud.region}`,
      QUEUE_URL: cloud.queues.WorkQueue?.url,
      QUEUE_ARN: cloud.queues.WorkQueue?.arn,
      SECRET_ARN: cloud.secrets.ApiSecret?.arn,
      BUCKET: bucket,
      MODE: 'development',
      STAGE: 'dev',
      EVENTS_TABLE: table,
    });
  });

  it('passes binary bodies base64-encoded and text bodies as they are', async () => {
    // Act
    const binary = await api('/items', {
      method: 'POST',
      headers: { authorization: 'Bearer good', 'content-type': 'image/png' },
      body: new Uint8Array([137, 80, 78, 71]),
    });
    const text = await api('/items', {
      method: 'POST',
      headers: { authorization: 'Bearer good', 'content-type': 'application/json' },
      body: '{"name":"lamp"}',
    });

    // Assess
    expect(binary.status).toBe(201);
    expect((await json(binary)).event).toMatchObject({ isBase64Encoded: true, body: 'iVBORw==' });
    expect((await json(text)).event).toMatchObject({
      isBase64Encoded: false,
      body: '{"name":"lamp"}',
    });
  });

  it('answers 401 without a token, 403 when denied, 401 for Unauthorized and 500 for other authorizer errors', async () => {
    // Act
    const [missing, denied, unauthorized, crashed] = await Promise.all([
      api('/items/1'),
      api('/items/1', { headers: { authorization: 'Bearer bad' } }),
      api('/items/1', { headers: { authorization: 'Bearer boom' } }),
      api('/items/1', { headers: { authorization: 'Bearer crash' } }),
    ]);

    // Assess
    expect([missing.status, denied.status, unauthorized.status, crashed.status]).toEqual([
      401, 403, 401, 500,
    ]);
    expect(await json(missing)).toEqual({ message: 'Unauthorized' });
    expect(await json(denied)).toEqual({ message: 'Forbidden' });
  });

  it('caches the authorizer result per identity source', async () => {
    // Act
    const first = await json(
      await api('/items/1', { headers: { authorization: 'Bearer good-cache' } }),
    );
    const second = await json(
      await api('/items/2', { headers: { authorization: 'Bearer good-cache' } }),
    );

    // Assess
    expect(second.event.requestContext.authorizer.lambda.invocations).toBe(
      first.event.requestContext.authorizer.lambda.invocations,
    );
  });

  it('routes greedy paths, unknown paths, plain JSON results, binary responses and errors', async () => {
    // Act
    const greedy = await api('/public/a/b%20c');
    const unknown = await api('/nowhere');
    const plain = await api('/plain');
    const binary = await api('/public/binary');
    const failed = await api('/public/fail');

    // Assess
    expect((await json(greedy)).event.pathParameters).toEqual({ proxy: 'a/b c' });
    expect(unknown.status).toBe(404);
    expect(await json(unknown)).toEqual({ message: 'Not Found' });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('application/json');
    expect(await json(plain)).toEqual({ hello: `hello, ${cloud.region}` });
    expect([...new Uint8Array(await binary.arrayBuffer())]).toEqual([0, 1, 2, 255]);
    expect(failed.status).toBe(500);
    expect(await json(failed)).toEqual({ message: 'Internal Server Error' });
  });
});

describe('S3 notifications', () => {
  it('delivers matching creations and deletions with URL-encoded keys, sizes, ETags and sequencers', async () => {
    // Prepare
    const key = 'uploads/a b+c é.txt';

    // Act
    await clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'uploads/skipped.jpg', Body: 'x' }),
    );
    await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'hello' }));
    await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'hello again' }));
    await clients.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));

    // Assess
    const encoded = 'uploads/a+b%2Bc+%C3%A9.txt';
    const records = await eventually(async () => {
      const all = (await recorded('s3')).filter((r) => r.s3.object.key === encoded);
      return all.length >= 3 ? all : undefined;
    }, 'three S3 records');
    const [first, second, removal] = records.sort((a, b) =>
      a.s3.object.sequencer.localeCompare(b.s3.object.sequencer),
    );
    expect(first).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      s3: {
        bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
        object: { key: encoded, size: 5 },
      },
    });
    expect(first.s3.object.eTag).toMatch(/^[0-9a-f]{32}$/);
    expect(second.s3.object.size).toBe(11);
    expect(removal.eventName).toBe('ObjectRemoved:Delete');
    expect(removal.s3.object.size).toBeUndefined();
    expect((await recorded('s3')).some((r) => r.s3.object.key.endsWith('.jpg'))).toBe(false);
  });
});

describe('EventBridge rules and SQS event sources', () => {
  it('matches S3 events against the rule pattern and delivers them to the queue and its consumer', async () => {
    // Act
    await clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'events/e1.json', Body: '{}' }),
    );
    await clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'other/e2.json', Body: '{}' }),
    );
    await clients.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'events/e1.json' }));

    // Assess
    const events = await eventually(async () => {
      const bodies = (await recorded('sqs'))
        .map((r) => JSON.parse(r.body))
        .filter((b) => b.source === 'aws.s3');
      return bodies.length >= 2 ? bodies : undefined;
    }, 'two EventBridge events through the queue');
    const created = events.find((e) => e['detail-type'] === 'Object Created');
    const deleted = events.find((e) => e['detail-type'] === 'Object Deleted');
    expect(created).toMatchObject({
      version: '0',
      source: 'aws.s3',
      resources: [`arn:aws:s3:::${bucket}`],
      detail: {
        bucket: { name: bucket },
        object: { key: 'events/e1.json', size: 2 },
        reason: 'PutObject',
      },
    });
    expect(deleted?.detail).toMatchObject({
      reason: 'DeleteObject',
      'deletion-type': 'Permanently Deleted',
    });
    expect(events.some((e) => e.detail.object.key.startsWith('other/'))).toBe(false);
  });

  it('deletes the messages that succeed and redrives a failing one to the DLQ', async () => {
    // Prepare
    const tag = Date.now().toString(36);

    // Act
    await clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: cloud.queues.WorkQueue?.url,
        Entries: [
          { Id: '1', MessageBody: `ok-1-${tag}` },
          { Id: '2', MessageBody: `poison-${tag}` },
          { Id: '3', MessageBody: `ok-3-${tag}` },
        ],
      }),
    );

    // Assess
    const dead = await eventually(async () => {
      const { Messages = [] } = await clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: cloud.queues.WorkDeadLetterQueue?.url,
          WaitTimeSeconds: 1,
        }),
      );
      return Messages.find((m) => m.Body === `poison-${tag}`);
    }, 'the poison message in the DLQ');
    expect(dead.Body).toBe(`poison-${tag}`);
    const delivered = (await recorded('sqs')).filter((r) => r.body.endsWith(tag));
    expect(delivered.map((r) => r.body).sort()).toEqual([`ok-1-${tag}`, `ok-3-${tag}`]);
    expect(delivered[0]).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: cloud.queues.WorkQueue?.arn,
      awsRegion: cloud.region,
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(delivered[0].attributes.SentTimestamp).toMatch(/^\d+$/);
  });
});

describe('template', () => {
  it('lists what it does not emulate once and runs the rest', () => {
    // Assess
    expect(
      cloud.warnings.filter((w) => w.includes('AWS::StepFunctions::StateMachine')),
    ).toHaveLength(1);
    expect(cloud.functions).toHaveProperty('RecorderFunction');
  });
});
