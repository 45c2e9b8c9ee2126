import path from 'node:path';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../src/cloud/startLocalCloud.js';
import { memoryLog } from '../../src/dev/log.js';
import { eventually, type Json, json } from './support.js';

// A second SAM application, unlike the runner's fixture stack and unlike the shop
// (tests/fixtures/notes): an implicit HTTP API without authorizer, a schedule, S3 -> SQS
// queue notifications and a DynamoDB stream, run end to end from its template alone.
const templatePath = path.join(import.meta.dirname, '..', 'fixtures', 'notes', 'template.yaml');
const external = process.env.AWS_ENDPOINT_URL;
let cloud: LocalCloud;
const started = Date.now();

beforeAll(async () => {
  cloud = await startLocalCloud({
    templatePath,
    stackName: `notes-${Date.now().toString(36)}`,
    parameterOverrides: { Greeting: 'hi from overrides' },
    ...(external ? { externalEndpoint: external } : {}),
    port: 0,
    log: memoryLog(),
    sqsWaitTimeSeconds: 1,
  });
});
afterAll(() => cloud?.stop());

const logged = async (pk: string): Promise<Json[]> => {
  const { Items = [] } = await cloud.clients.dynamodb.send(
    new QueryCommand({
      TableName: cloud.describe().tables.LogTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: pk } },
    }),
  );
  return Items.map((item) => ({ sk: item.sk?.S, data: JSON.parse(item.data?.S ?? '{}') }));
};

describe('a second template: the notes app', () => {
  it('serves its implicit HTTP API and streams each stored note to the worker', async () => {
    // Act
    const created = await fetch(`${cloud.describe().apiUrl}/notes`, {
      method: 'POST',
      body: JSON.stringify({ text: 'buy milk' }),
    });
    const { id, greeting } = await json(created);
    const read = await fetch(`${cloud.describe().apiUrl}/notes/${id}`);
    const missing = await fetch(`${cloud.describe().apiUrl}/notes/nope`);

    // Assess
    expect(created.status).toBe(201);
    expect(greeting).toBe('hi from overrides');
    expect(await json(read)).toEqual({ id, text: 'buy milk' });
    expect(missing.status).toBe(404);
    const [change] = await eventually(
      async () =>
        (await logged('stream')).some((r) => r.sk === id) ? logged('stream') : undefined,
      'the stream record of the note',
    );
    expect(change?.data).toMatchObject({
      eventSource: 'aws:dynamodb',
      eventName: 'INSERT',
      dynamodb: { StreamViewType: 'NEW_IMAGE', NewImage: { text: { S: 'buy milk' } } },
    });
  });

  it('sends S3 notifications through the queue, filtered by suffix, keys encoded as S3 does', async () => {
    // Prepare
    const bucket = cloud.describe().buckets.AttachmentsBucket as string;

    // Act
    for (const key of ['notes/a list (1).txt', 'notes/photo.jpg'])
      await cloud.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }));

    // Assess
    const records = await eventually(
      async () => ((await logged('s3-via-sqs')).length > 0 ? logged('s3-via-sqs') : undefined),
      'the S3 event delivered through AttachmentsQueue',
    );
    expect(records.map((r) => r.sk)).toEqual(['notes/a+list+%281%29.txt']);
    expect(records[0]?.data).toMatchObject({
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      s3: { bucket: { name: bucket }, object: { size: 1 } },
    });
  });

  it('runs the scheduled function with its Input once a minute', async () => {
    // Act
    const ticks = await eventually(
      async () => ((await logged('schedule')).length > 0 ? logged('schedule') : undefined),
      'the first rate(1 minute) tick',
      75_000,
    );

    // Assess
    expect(ticks[0]?.data).toEqual({ tick: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(55_000);
  }, 90_000);
});
