import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ensureBucket,
  ensureEmailIdentity,
  ensureQueue,
  ensureSecret,
  ensureTable,
} from '../../src/resources.js';
import { uniqueName, useBackends } from '../../src/testing.js';

const { backends, clients } = useBackends();
afterAll(() => clients.destroy());

describe('local backends', () => {
  it('DynamoDB: a conditional put fails on the second write', async () => {
    // Prepare
    const table = uniqueName('orders');
    await ensureTable(clients, {
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    });
    const put = (value: string) =>
      clients.dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: 'order#1' }, value: { S: value } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );

    // Act
    await put('first');
    const second = put('second');

    // Assess
    await expect(second).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const { Item } = await clients.dynamodb.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: 'order#1' } } }),
    );
    expect(Item?.value?.S).toBe('first');
  });

  it('SQS: sends, receives and deletes a message, with a redrive policy on the queue', async () => {
    // Prepare
    const dlq = await ensureQueue(clients, uniqueName('events-dlq'));
    const queue = await ensureQueue(clients, uniqueName('events'), {
      visibilityTimeoutSeconds: 30,
      deadLetter: { queueArn: dlq.arn, maxReceiveCount: 3 },
    });

    // Act
    await clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"type":"OrderPlaced"}' }),
    );
    const received = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        WaitTimeSeconds: 1,
        MaxNumberOfMessages: 10,
      }),
    );
    const message = received.Messages?.[0];
    await clients.sqs.send(
      new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message?.ReceiptHandle }),
    );
    const after = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.url, WaitTimeSeconds: 0 }),
    );

    // Assess
    expect(received.Messages).toHaveLength(1);
    expect(message?.Body).toBe('{"type":"OrderPlaced"}');
    expect(after.Messages ?? []).toHaveLength(0);
    const { Attributes } = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['RedrivePolicy'] }),
    );
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toMatchObject({
      deadLetterTargetArn: dlq.arn,
      maxReceiveCount: 3,
    });
  });

  it('S3: puts and gets an object whose key has spaces and unicode', async () => {
    // Prepare
    const bucket = uniqueName('uploads');
    const key = 'uploads/prod-1/Zoë läuft + 1 € é.jpg';
    await ensureBucket(clients, bucket);

    // Act
    await clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'bytes', ContentType: 'image/jpeg' }),
    );
    const object = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const listed = await clients.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'uploads/prod-1/' }),
    );

    // Assess
    expect(await object.Body?.transformToString()).toBe('bytes');
    expect(object.ContentType).toBe('image/jpeg');
    expect(listed.Contents?.map((o) => o.Key)).toEqual([key]);
  });

  it('SES: a sent email appears in the backend store', async () => {
    // Prepare
    const sender = 'orders@shop.example.com';
    const subject = uniqueName('Your order');
    await ensureEmailIdentity(clients, sender);

    // Act
    const sent = await clients.ses.send(
      new SendEmailCommand({
        FromEmailAddress: sender,
        Destination: { ToAddresses: ['ada@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: subject },
            Body: { Text: { Data: 'Thank you for your order.' } },
          },
        },
      }),
    );

    // Assess
    const stored = (await backends.sentEmails()).find((email) => email.subject === subject);
    expect(sent.MessageId).toBeTruthy();
    expect(stored).toMatchObject({
      from: sender,
      to: ['ada@example.com'],
      text: 'Thank you for your order.',
    });
  });

  it('Secrets Manager: a new value becomes AWSCURRENT and the old one AWSPREVIOUS', async () => {
    // Prepare
    const name = uniqueName('signing-key');
    await ensureSecret(clients, name, 'key-1');

    // Act
    await ensureSecret(clients, name, 'key-2');
    const current = await clients.secretsManager.send(
      new GetSecretValueCommand({ SecretId: name }),
    );
    const previous = await clients.secretsManager.send(
      new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }),
    );

    // Assess
    expect(current.SecretString).toBe('key-2');
    expect(previous.SecretString).toBe('key-1');
  });
});
