import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  ensureBucket,
  ensureEmailIdentity,
  ensureQueue,
  ensureSecret,
  ensureTable,
} from '../../src/resources.js';
import { uniqueName, useBackends, useFaults } from '../../src/testing.js';

// The fault proxy in front of the backends the global setup started (embedded, or
// AWS_ENDPOINT_URL: moto), driven from this worker through its control endpoint. Every rule
// is scoped to this file's own resources (body or path), as other files share the backends.
const { backends, clients } = useBackends();
const faults = useFaults();
const { region, endpoints } = backends;
const base = { region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
// One attempt: the injected error reaches the caller as is.
const once = { ...base, maxAttempts: 1 };
const sdk = {
  sqs: new SQSClient({ ...once, endpoint: endpoints.sqs }),
  dynamodb: new DynamoDBClient({ ...once, endpoint: endpoints.dynamodb }),
  ses: new SESv2Client({ ...once, endpoint: endpoints.ses }),
  s3: new S3Client({ ...once, endpoint: endpoints.s3, forcePathStyle: true }),
  secretsManager: new SecretsManagerClient({ ...once, endpoint: endpoints.secretsManager }),
};
afterEach(() => faults.clear());
afterAll(() => {
  clients.destroy();
  for (const client of Object.values(sdk)) client.destroy();
});

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: Error & { $metadata?: { httpStatusCode?: number } }) => ({
      name: error.name,
      status: error.$metadata?.httpStatusCode,
    }),
  );

const approximateCount = async (QueueUrl: string) => {
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages);
};

const table = async () => {
  const name = uniqueName('faults');
  await ensureTable(clients, {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  });
  return name;
};

describe('fault injection: errors reach SDK clients as their exceptions', () => {
  it('SQS (JSON protocol): SendMessage and SendMessageBatch throttled', async () => {
    // Prepare
    const queue = await ensureQueue(clients, uniqueName('faults'));
    const id = await faults.add({
      service: 'sqs',
      operation: ['SendMessage', 'SendMessageBatch'],
      body: queue.url.split('/').pop() as string,
      error: { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' },
    });

    // Act
    const single = await errorOf(
      sdk.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'a' })),
    );
    const batch = await errorOf(
      sdk.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: [{ Id: '1', MessageBody: 'b' }],
        }),
      ),
    );

    // Assess
    expect(single).toEqual({ name: 'ThrottlingException', status: 400 });
    expect(batch).toEqual({ name: 'ThrottlingException', status: 400 });
    expect(await faults.applied(id)).toBe(2);
    expect(await approximateCount(queue.url)).toBe(0);
  });

  it('DynamoDB: PutItem throttled, GetItem untouched', async () => {
    // Prepare
    const TableName = await table();
    await faults.add({
      service: 'dynamodb',
      operation: 'PutItem',
      body: TableName,
      error: { status: 400, code: 'ProvisionedThroughputExceededException' },
    });

    // Act
    const put = await errorOf(
      sdk.dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' } } })),
    );
    const get = await sdk.dynamodb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'a' } } }));

    // Assess
    expect(put).toEqual({ name: 'ProvisionedThroughputExceededException', status: 400 });
    expect(get.Item).toBeUndefined();
  });

  it('SES v2: SendEmail unavailable', async () => {
    // Prepare
    const from = `${uniqueName('sender')}@example.com`;
    await ensureEmailIdentity(clients, from);
    await faults.add({
      service: 'ses',
      operation: 'SendEmail',
      body: from,
      error: { status: 503, code: 'ServiceUnavailable' },
    });

    // Act
    const sent = await errorOf(
      sdk.ses.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: ['customer@example.com'] },
          Content: { Simple: { Subject: { Data: 'hi' }, Body: { Text: { Data: 'hello' } } } },
        }),
      ),
    );

    // Assess
    expect(sent).toEqual({ name: 'ServiceUnavailable', status: 503 });
    const emails = await backends.sentEmails();
    expect(emails.filter((email) => email.from === from)).toEqual([]);
  });

  it('S3: GetObject of one key fails, PutObject and other keys work', async () => {
    // Prepare
    const Bucket = uniqueName('faults');
    await ensureBucket(clients, Bucket);
    await sdk.s3.send(new PutObjectCommand({ Bucket, Key: 'uploads/a.jpg', Body: 'a' }));
    await sdk.s3.send(new PutObjectCommand({ Bucket, Key: 'uploads/b.jpg', Body: 'b' }));
    await faults.add({
      service: 's3',
      operation: 'GetObject',
      path: `/${Bucket}/uploads/a.jpg`,
      error: { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
    });

    // Act
    const failed = await errorOf(
      sdk.s3.send(new GetObjectCommand({ Bucket, Key: 'uploads/a.jpg' })),
    );
    const other = await sdk.s3.send(new GetObjectCommand({ Bucket, Key: 'uploads/b.jpg' }));

    // Assess
    expect(failed).toEqual({ name: 'SlowDown', status: 503 });
    expect(await other.Body?.transformToString()).toBe('b');
  });

  it('Secrets Manager: GetSecretValue denied', async () => {
    // Prepare
    const name = uniqueName('faults');
    await ensureSecret(clients, name, 'value');
    await faults.add({
      service: 'secretsmanager',
      operation: 'GetSecretValue',
      body: name,
      error: { status: 400, code: 'AccessDeniedException' },
    });

    // Act
    const read = await errorOf(
      sdk.secretsManager.send(new GetSecretValueCommand({ SecretId: name })),
    );

    // Assess
    expect(read).toEqual({ name: 'AccessDeniedException', status: 400 });
  });
});

describe('fault injection: counts', () => {
  it('applies `times` exactly: the SDK retries through two 503s and the third attempt lands', async () => {
    // Prepare
    const queue = await ensureQueue(clients, uniqueName('faults'));
    const id = await faults.add({
      service: 'sqs',
      operation: 'SendMessage',
      body: queue.url.split('/').pop() as string,
      error: { status: 503, code: 'ServiceUnavailable' },
      times: 2,
    });
    const retrying = new SQSClient({ ...base, endpoint: endpoints.sqs, maxAttempts: 3 });

    // Act
    const sent = await retrying.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'x' }),
    );
    retrying.destroy();

    // Assess
    expect(sent.MessageId).toBeDefined();
    expect(sent.$metadata.attempts).toBe(3);
    expect(await faults.stats(id)).toMatchObject({ matched: 3, applied: 2 });
    expect(await approximateCount(queue.url)).toBe(1);
  });

  it('lets `after` requests through, then applies', async () => {
    // Prepare
    const TableName = await table();
    const id = await faults.add({
      service: 'dynamodb',
      operation: 'PutItem',
      body: TableName,
      error: { status: 500, code: 'InternalServerError' },
      after: 2,
      times: 1,
    });
    const put = (pk: string) =>
      errorOf(sdk.dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: pk } } })));

    // Act
    const results = [await put('1'), await put('2'), await put('3'), await put('4')];

    // Assess
    expect(results).toEqual([
      undefined,
      undefined,
      { name: 'InternalServerError', status: 500 },
      undefined,
    ]);
    expect(await faults.stats(id)).toMatchObject({ matched: 4, applied: 1 });
  });
});

describe('fault injection: time', () => {
  it('delays a request before forwarding it', async () => {
    // Prepare
    const TableName = await table();
    await faults.add({ service: 'dynamodb', operation: 'GetItem', body: TableName, delayMs: 400 });

    // Act
    const started = performance.now();
    await sdk.dynamodb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'a' } } }));
    const elapsed = performance.now() - started;

    // Assess
    expect(elapsed).toBeGreaterThanOrEqual(380);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('forwards, then holds the answer back: the caller times out but the write happened', async () => {
    // Prepare
    const queue = await ensureQueue(clients, uniqueName('faults'));
    const id = await faults.add({
      service: 'sqs',
      operation: 'SendMessage',
      body: queue.url.split('/').pop() as string,
      holdResponseMs: 3_000,
      times: 1,
    });
    const impatient = new SQSClient({
      ...once,
      endpoint: endpoints.sqs,
      requestHandler: { requestTimeout: 500, throwOnRequestTimeout: true },
    });

    // Act
    const started = performance.now();
    const sent = await errorOf(
      impatient.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'x' })),
    );
    const elapsed = performance.now() - started;
    impatient.destroy();

    // Assess
    expect(sent?.name).toBe('TimeoutError');
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(2_900);
    expect(await faults.applied(id)).toBe(1);
    expect(await approximateCount(queue.url)).toBe(1);
  });

  it('forwards, then drops the connection: the caller sees a network error, the write happened', async () => {
    // Prepare
    const queue = await ensureQueue(clients, uniqueName('faults'));
    await faults.add({
      service: 'sqs',
      operation: 'SendMessage',
      body: queue.url.split('/').pop() as string,
      dropConnection: true,
      times: 1,
    });

    // Act
    const sent = await errorOf(
      sdk.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'x' })),
    );

    // Assess
    expect(sent).toBeDefined();
    expect(sent?.status).toBeUndefined();
    expect(await approximateCount(queue.url)).toBe(1);
  });
});
