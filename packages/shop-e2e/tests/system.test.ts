import { randomUUID } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { OrderPlacedEvent } from '@shop/contracts/orderEvents';
import { createCursorCodec } from '@shop/orders-api/src/domain/cursor.js';
import { SAMPLE_JPEG_LANDSCAPE, SAMPLE_JPEG_PORTRAIT } from '@shop/testing/images';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ORDER } from '../src/demo.js';
import { mintToken } from '../src/token.js';
import { eventually, type Json, json } from './support/polling.js';
import { startShop } from './support/startShop.js';

// The shop itself, run from the repository's template.yaml with the services' bundles,
// driven only through HTTP and the AWS SDK (no faults: every flow end to end).
const shop = await startShop('system');
const cloud = shop.described;
const { backends, clients } = shop.cloud;
afterAll(() => shop.stop());

const uploads = cloud.buckets.UploadsBucket as string;
const thumbnails = cloud.buckets.ThumbnailsBucket as string;
const mediaTable = cloud.tables.MediaTable as string;
const customer = { id: `e2e-${Date.now().toString(36)}`, email: 'e2e.customer@example.com' };
let token = '';

beforeAll(async () => {
  // The token is minted the way a client of the deployed stack would: with the key read
  // from Secrets Manager and the issuer/audience the template's parameters set.
  const secret = await clients.secretsManager.send(
    new GetSecretValueCommand({ SecretId: cloud.secrets.SigningKeySecret?.arn }),
  );
  token = await mintToken({
    key: secret.SecretString ?? '',
    issuer: String(cloud.parameters.JwtIssuer),
    audience: String(cloud.parameters.JwtAudience),
    customerId: customer.id,
    email: customer.email,
  });
});

const api = (path: string, init: RequestInit = {}, bearer = token) =>
  fetch(`${cloud.apiUrl}${path}`, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...init.headers,
    },
  });

// The thumbnail images (the thumbnailer also writes an outcome.json next to them).
const thumbnailsOf = async (prefix: string) => {
  const { Contents = [] } = await clients.s3.send(
    new ListObjectsV2Command({ Bucket: thumbnails, Prefix: prefix }),
  );
  return Contents.filter((object) => object.Key?.endsWith('.webp'));
};

const catalogItem = async (key: string): Promise<Json | undefined> => {
  const { Item } = await clients.dynamodb.send(
    new GetItemCommand({ TableName: mediaTable, Key: { key: { S: key } } }),
  );
  return Item ? unmarshall(Item) : undefined;
};

const emailFor = (orderId: string, kind: 'confirmed' | 'cancelled') =>
  eventually(
    async () =>
      (await backends.sentEmails()).find(
        (email) => email.subject.includes(orderId) && email.subject.includes(kind),
      ),
    `the ${kind} email of order ${orderId}`,
  );

describe('product images', () => {
  const productId = `p-${Date.now().toString(36)}`;
  const key = `uploads/${productId}/front view.jpg`;
  const prefix = `${productId}/front view.jpg/`;

  it('makes thumbnails and a catalog item for an upload', async () => {
    // Act
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: uploads,
        Key: key,
        Body: SAMPLE_JPEG_LANDSCAPE,
        ContentType: 'image/jpeg',
      }),
    );

    // Assess
    const made = await eventually(async () => {
      const objects = await thumbnailsOf(prefix);
      return objects.length === 3 ? objects : undefined;
    }, 'three thumbnails');
    expect(made.map((o) => o.Key).sort()).toEqual([
      `${prefix}1024.webp`,
      `${prefix}128.webp`,
      `${prefix}512.webp`,
    ]);
    const item = await eventually(async () => {
      const current = await catalogItem(key);
      return current?.status === 'ready' ? current : undefined;
    }, 'a ready catalog item');
    expect(item).toMatchObject({
      key,
      productId,
      name: 'front view.jpg',
      status: 'ready',
      size: SAMPLE_JPEG_LANDSCAPE.byteLength,
    });
  });

  it('regenerates thumbnails and updates the catalog item when the upload is overwritten', async () => {
    // Prepare
    const before = await clients.s3.send(
      new HeadObjectCommand({ Bucket: thumbnails, Key: `${prefix}128.webp` }),
    );

    // Act
    const put = await clients.s3.send(
      new PutObjectCommand({
        Bucket: uploads,
        Key: key,
        Body: SAMPLE_JPEG_PORTRAIT,
        ContentType: 'image/jpeg',
      }),
    );

    // Assess
    const after = await eventually(async () => {
      const head = await clients.s3.send(
        new HeadObjectCommand({ Bucket: thumbnails, Key: `${prefix}128.webp` }),
      );
      return head.ETag !== before.ETag ? head : undefined;
    }, 'a regenerated 128 px thumbnail');
    expect(after.ETag).not.toBe(before.ETag);
    const item = await eventually(async () => {
      const current = await catalogItem(key);
      return current?.eTag === put.ETag?.replaceAll('"', '') ? current : undefined;
    }, 'the catalog item of the new version');
    expect(item.size).toBe(SAMPLE_JPEG_PORTRAIT.byteLength);
  });

  it('removes the thumbnails and marks the catalog item deleted when the upload is deleted', async () => {
    // Act
    await clients.s3.send(new DeleteObjectCommand({ Bucket: uploads, Key: key }));

    // Assess
    await eventually(
      async () => ((await thumbnailsOf(prefix)).length === 0 ? true : undefined),
      'no thumbnails left',
    );
    const item = await eventually(async () => {
      const current = await catalogItem(key);
      return current?.status === 'deleted' ? current : undefined;
    }, 'a deleted catalog item');
    expect(item.deletedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
});

describe('orders', () => {
  it('sends a confirmation email for a placed order and a cancellation email when it is cancelled', async () => {
    // Act
    const placed = await api('/orders', { method: 'POST', body: JSON.stringify(DEMO_ORDER) });
    const order = await json(placed);
    const confirmation = await emailFor(order.orderId, 'confirmed');
    const cancelled = await api(`/orders/${order.orderId}/cancel`, { method: 'POST' });

    // Assess
    expect(placed.status).toBe(201);
    expect(confirmation.to).toEqual([customer.email]);
    expect(cancelled.status).toBe(200);
    expect((await json(cancelled)).status).toBe('CANCELLED');
    const cancellation = await emailFor(order.orderId, 'cancelled');
    expect(cancellation.to).toEqual([customer.email]);
  });

  it('emails an order whose note has an emoji (a character above U+FFFF through SQS)', async () => {
    // Prepare
    const note = 'Danke 🙏';

    // Act
    const placed = await api('/orders', {
      method: 'POST',
      body: JSON.stringify({ ...DEMO_ORDER, note }),
    });
    const order = await json(placed);
    const confirmation = await emailFor(order.orderId, 'confirmed');

    // Assess
    expect(placed.status).toBe(201);
    expect(order.note).toBe(note);
    // The embedded SES keeps both parts of the email, moto only one of them.
    const bodies = [confirmation.text, confirmation.html].filter((body) => body !== undefined);
    expect(bodies).not.toEqual([]);
    expect(bodies.filter((body) => !body.includes(note))).toEqual([]);
  });

  it("lists a customer's orders a page at a time, with cursors only they can use", async () => {
    // Prepare: a customer of their own, with two orders
    const signing = await clients.secretsManager.send(
      new GetSecretValueCommand({ SecretId: cloud.secrets.SigningKeySecret?.arn }),
    );
    const listerId = `e2e-list-${randomUUID()}`;
    const lister = await mintToken({
      key: signing.SecretString ?? '',
      issuer: String(cloud.parameters.JwtIssuer),
      audience: String(cloud.parameters.JwtAudience),
      customerId: listerId,
      email: customer.email,
    });
    const place = async () =>
      json(await api('/orders', { method: 'POST', body: JSON.stringify(DEMO_ORDER) }, lister));
    const first = await place();
    const second = await place();

    // Act
    const page1 = await api('/orders?limit=1', {}, lister);
    const body1 = await json(page1);
    const page2 = await api(
      `/orders?limit=1&cursor=${encodeURIComponent(body1.nextCursor)}`,
      {},
      lister,
    );
    const body2 = await json(page2);
    const foreign = await api(`/orders?limit=1&cursor=${encodeURIComponent(body1.nextCursor)}`);

    // Assess
    expect([page1.status, page2.status]).toEqual([200, 200]);
    expect(body1.orders).toHaveLength(1);
    expect(body2.orders).toHaveLength(1);
    expect([...body1.orders, ...body2.orders].map((order: Json) => order.orderId).sort()).toEqual(
      [first.orderId, second.orderId].sort(),
    );
    expect(foreign.status).toBe(400);
    // The cursor's MAC is made with CursorKeySecret's value, read from Secrets Manager, for
    // this customer (checked with the service's own codec): not with the token signing key.
    const cursorKey = await clients.secretsManager.send(
      new GetSecretValueCommand({ SecretId: cloud.secrets.CursorKeySecret?.arn }),
    );
    const verifiedWith = (key: string | undefined, customerId: string) =>
      createCursorCodec(async () => ({ current: key ?? '' }))
        .decode(customerId, body1.nextCursor)
        .then(
          () => 'verified',
          (error: Error) => error.message,
        );
    expect(cursorKey.SecretString).toEqual(expect.any(String));
    expect(cursorKey.SecretString).not.toBe(signing.SecretString);
    expect(await verifiedWith(cursorKey.SecretString, listerId)).toBe('verified');
    expect(await verifiedWith(signing.SecretString, listerId)).toMatch(/signature mismatch/);
    expect(await verifiedWith(cursorKey.SecretString, customer.id)).toMatch(/signature mismatch/);
  });

  it('answers 401 without a token and 403 for a malformed one or one signed by another key', async () => {
    // Prepare
    const forged = await mintToken({
      key: 'not-the-signing-key',
      issuer: String(cloud.parameters.JwtIssuer),
      audience: String(cloud.parameters.JwtAudience),
      customerId: customer.id,
      email: customer.email,
    });

    // Act
    const responses = await Promise.all([
      api('/orders', {}, ''),
      api('/orders', {}, 'not-a-jwt'),
      api('/orders', {}, forged),
    ]);

    // Assess
    // API Gateway's answers (orders-api openapi.yaml): 401 without a token, 403 when the
    // authorizer denies one.
    expect(responses.map((r) => r.status)).toEqual([401, 403, 403]);
    expect(await Promise.all(responses.map((r) => r.json()))).toEqual([
      { message: 'Unauthorized' },
      { message: 'Forbidden' },
      { message: 'Forbidden' },
    ]);
  });

  it('sends the valid events of a batch and redrives a poison message to the DLQ', async () => {
    // Prepare
    const placedEvent = (orderId: string): OrderPlacedEvent => ({
      type: 'OrderPlaced',
      version: 1,
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      order: {
        orderId,
        customerId: customer.id,
        status: 'PLACED',
        currency: 'EUR',
        items: [{ sku: 'MUG-1', quantity: 2, unitPrice: 900, lineTotal: 1800 }],
        total: 1800,
        shippingAddress: {
          name: 'Grace Hopper',
          line1: '1 Harbour Road',
          city: 'Arlington',
          postalCode: '22201',
          country: 'US',
        },
        createdAt: new Date().toISOString(),
      },
      customer,
    });
    const tag = Date.now().toString(36).toUpperCase();
    const poison = `{"type":"OrderPlaced","version":99,"tag":"${tag}"}`;

    // Act
    await clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: cloud.queues.OrderEventsQueue?.url,
        // A FIFO queue: one group per order, the event id as deduplication id (as the publisher).
        Entries: [`E2E${tag}A`, 'poison', `E2E${tag}B`].map((id) => {
          const event = id === 'poison' ? undefined : placedEvent(id);
          return {
            Id: id,
            MessageBody: event ? JSON.stringify(event) : poison,
            MessageGroupId: event ? id : `poison-${tag}`,
            MessageDeduplicationId: event?.eventId ?? `poison-${tag}`,
          };
        }),
      }),
    );

    // Assess
    await emailFor(`E2E${tag}A`, 'confirmed');
    await emailFor(`E2E${tag}B`, 'confirmed');
    const dead = await eventually(
      async () => {
        const { Messages = [] } = await clients.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: cloud.queues.OrderEventsDeadLetterQueue?.url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
          }),
        );
        return Messages.find((message) => message.Body === poison);
      },
      'the poison message in OrderEventsDeadLetterQueue',
      40_000,
    );
    expect(dead.Body).toBe(poison);
  });
});
