import { randomUUID } from 'node:crypto';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Faults } from '@shop/local-cloud';
import { SAMPLE_JPEG_LANDSCAPE } from '@shop/testing/images';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { peekQueue } from './support/deliveries.js';
import { invocationSummary } from './support/invocationLog.js';
import { recordResult } from './support/results.js';
import { type Shop, startShop } from './support/startShop.js';

// Scenario 4 of issue 13: S3 failing for the thumbnailer. ThumbnailsFunction is invoked
// asynchronously (S3 notification) with EventInvokeConfig MaximumRetryAttempts 2 and
// OnFailure -> ThumbnailsDeadLetterQueue, and its S3 client makes 3 attempts per call. The
// template promises both outcomes: a failure the retries outlast ends in thumbnails; one that
// outlasts the retries ends in the DLQ with the original event (Lambda's destination record).
// local-cloud retries asynchronous invocations like Lambda, after 0.5 s and 1 s here (AWS:
// about 1 and 2 minutes).

const S3_ATTEMPTS = 3;
const INVOCATIONS = 3; // the first one and MaximumRetryAttempts 2
const WIDTHS = 3; // ThumbnailWidths "128,512,1024"

let shop: Shop;
let faults: Faults;
beforeAll(async () => {
  shop = await startShop('faults-thumbnails');
  faults = shop.cloud.backends.faults as Faults;
});
afterEach(() => faults.clear());
afterAll(() => shop?.stop());

const bucket = (id: string) => shop.described.buckets[id] as string;

const upload = async (productId: string) => {
  await shop.cloud.clients.s3.send(
    new PutObjectCommand({
      Bucket: bucket('UploadsBucket'),
      Key: `uploads/${productId}/photo.jpg`,
      Body: SAMPLE_JPEG_LANDSCAPE,
      ContentType: 'image/jpeg',
    }),
  );
};

const thumbnailsOf = async (productId: string) => {
  const { Contents = [] } = await shop.cloud.clients.s3.send(
    new ListObjectsV2Command({ Bucket: bucket('ThumbnailsBucket'), Prefix: `${productId}/` }),
  );
  // The images only: the thumbnailer also writes an outcome.json next to them.
  return Contents.map((object) => object.Key).filter((key) => key?.endsWith('.webp'));
};

const thumbnailInvocations = (from: number) =>
  invocationSummary(shop.invocations.slice(from)).ThumbnailsFunction;

describe('S3 failing for the thumbnailer', () => {
  it('makes the thumbnails on an asynchronous retry when reading the upload fails one invocation long', async () => {
    // Prepare
    const started = Date.now();
    const from = shop.invocations.length;
    const productId = `p-${randomUUID().slice(0, 8)}`;
    // Every attempt of the first invocation's GetObject of the original.
    const rule = await faults.add({
      id: 'upload-get-fails',
      service: 's3',
      operation: 'GetObject',
      path: `/${bucket('UploadsBucket')}/uploads/${productId}/`,
      error: { status: 500, code: 'InternalError', message: 'We encountered an internal error.' },
      times: S3_ATTEMPTS,
    });

    // Act
    await upload(productId);
    const made = await vi.waitFor(
      async () => {
        const keys = await thumbnailsOf(productId);
        expect(keys).toHaveLength(WIDTHS);
        return keys;
      },
      { timeout: 60_000, interval: 250 },
    );

    // Assess
    expect(made.sort()).toEqual(
      [128, 512, 1024].map((width) => `${productId}/photo.jpg/${width}.webp`).sort(),
    );
    expect(await faults.applied(rule)).toBe(S3_ATTEMPTS);
    await shop.cloud.idle();
    expect(thumbnailInvocations(from)).toEqual({ invocations: 2, failed: 1, timedOut: 0 });
    const dead = await peekQueue(shop.cloud, 'ThumbnailsDeadLetterQueue');
    expect(dead.filter((message) => message.Body?.includes(productId))).toEqual([]);
    recordResult('faults-thumbnails-retried', {
      failedS3Requests: S3_ATTEMPTS,
      thumbnails: made.length,
      invocations: thumbnailInvocations(from),
      deadLettered: 0,
      wallMs: Date.now() - started,
    });
  });

  it('sends the event to ThumbnailsDeadLetterQueue when writing thumbnails fails past the retries', async () => {
    // Prepare
    const started = Date.now();
    const from = shop.invocations.length;
    const productId = `p-${randomUUID().slice(0, 8)}`;
    // Every write of this upload's thumbnails fails, for as long as the rule stands.
    const rule = await faults.add({
      id: 'thumbnail-put-fails',
      service: 's3',
      operation: 'PutObject',
      path: `/${bucket('ThumbnailsBucket')}/${productId}/`,
      error: { status: 500, code: 'InternalError', message: 'We encountered an internal error.' },
    });

    // Act
    await upload(productId);
    const record = await vi.waitFor(
      async () => {
        const messages = await peekQueue(shop.cloud, 'ThumbnailsDeadLetterQueue');
        const found = messages.find((message) => message.Body?.includes(productId));
        expect(found).toBeDefined();
        return JSON.parse(found?.Body ?? '{}');
      },
      { timeout: 60_000, interval: 250 },
    );

    // Assess
    expect(record.requestContext).toMatchObject({
      condition: 'RetriesExhausted',
      approximateInvokeCount: INVOCATIONS,
    });
    expect(record.requestPayload.Records[0].s3.object.key).toBe(`uploads/${productId}/photo.jpg`);
    // Each invocation stopped at its first thumbnail, after the S3 client's 3 attempts.
    expect(await faults.applied(rule)).toBe(INVOCATIONS * S3_ATTEMPTS);
    await shop.cloud.idle();
    expect(thumbnailInvocations(from)).toEqual({
      invocations: INVOCATIONS,
      failed: INVOCATIONS,
      timedOut: 0,
    });
    expect(await thumbnailsOf(productId)).toEqual([]);
    recordResult('faults-thumbnails-dead-lettered', {
      failedS3Requests: INVOCATIONS * S3_ATTEMPTS,
      thumbnails: 0,
      invocations: thumbnailInvocations(from),
      deadLettered: 1,
      condition: record.requestContext.condition,
      wallMs: Date.now() - started,
    });
  });
});
