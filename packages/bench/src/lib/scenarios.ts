// One warm-invocation scenario per function: a sample event from events/<service>/ made
// valid for this stack (bucket names, a real token, an existing order, an uploaded object),
// varied per call where the function would otherwise take a shortcut for a duplicate (email
// idempotency, the indexer's sequencer guard), or prepared before each call outside its
// timing (the thumbnailer's outcome removed), and a check that the call did the real work.
import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DEFAULT_THUMBNAIL_WIDTHS, parseUploadKey, thumbnailKeys } from '@shop/contracts/mediaKeys';
import {
  InvalidOutcomeError,
  outcomeKey as outcomeKeyOf,
  parseThumbnailOutcome,
  type ThumbnailOutcome,
} from '@shop/contracts/thumbnailOutcome';
import type { LocalCloud } from '@shop/local-cloud/cloud';
import { SAMPLE_JPEG_LANDSCAPE } from '@shop/shop-e2e';
import { CUSTOMER, customerToken, ORDER_BODY, sampleEvent } from './shopCloud.ts';

// biome-ignore lint/suspicious/noExplicitAny: sample events are edited in place by path
type Json = any;

export interface Scenario {
  logicalId: string;
  /** The sample event it is based on. */
  event: string;
  /** Calls per round (image processing is slower than the rest). */
  perRound: number;
  /** The i-th event of one side ('runner', 'direct' or 'ric'). */
  make(side: string, i: number): unknown;
  /**
   * What must happen before each call for it to do the real work, outside the call's timing.
   * A scenario with it runs one call at a time: prepare, call, check (which may then look at
   * what this one call left behind).
   */
  prepare?(): Promise<void>;
  /** Why a result is not a success of the real path, or undefined. */
  check(payload: unknown): string | undefined | Promise<string | undefined>;
}

const clone = (value: unknown): Json => structuredClone(value);

/** Uploads a sample JPEG and returns its ETag (no quotes). */
const upload = async (cloud: LocalCloud, key: string): Promise<string> => {
  const bucket = cloud.model.buckets.get('UploadsBucket')?.name as string;
  const put = await cloud.clients.s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: SAMPLE_JPEG_LANDSCAPE,
      ContentType: 'image/jpeg',
    }),
  );
  return (put.ETag ?? '').replaceAll('"', '');
};

/** The order the publisher samples are about. */
const SAMPLE_ORDER_ID = '01JNR8W3D2C6VQ5B2T0Y8M4K1A';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A valid order id (26 Crockford base32 characters), different per side, call and run. */
const benchOrderId = (side: string, i: number): string => {
  let n = BigInt(Date.now()) * 1_000_000n + BigInt(i) * 2n + (side === 'runner' ? 0n : 1n);
  let id = '';
  for (let k = 0; k < 16; k++) {
    id = CROCKFORD[Number(n % 32n)] + id;
    n /= 32n;
  }
  return `01BENCH${'0'.repeat(3)}${id}`;
};

/**
 * The indexer's sequencer: one counter for the whole run (every prepareScenarios call, every
 * section), since the catalog keeps the highest one it applied; a counter that started again
 * at 0 in a later section would send events the indexer rightly drops as stale.
 */
let indexerSequencer = 0;

/** The thumbnailer's widths, as the template configures them (its default otherwise). */
const thumbnailWidths = (cloud: LocalCloud): number[] => {
  const configured = cloud.model.functions.get('ThumbnailsFunction')?.environment.THUMBNAIL_WIDTHS;
  const widths = String(configured ?? DEFAULT_THUMBNAIL_WIDTHS.join(','))
    .split(',')
    .map((width) => Number(width.trim()));
  return [...new Set(widths)];
};

const noBatchFailures = (payload: Json) =>
  payload?.batchItemFailures?.length === 0
    ? undefined
    : `batch item failures: ${JSON.stringify(payload)}`;

export const prepareScenarios = async (cloud: LocalCloud): Promise<Scenario[]> => {
  const uploads = cloud.model.buckets.get('UploadsBucket')?.name as string;
  const token = await customerToken(cloud);

  const authorizer = clone(await sampleEvent('orders-api', 'authorizer'));
  authorizer.identitySource = [`Bearer ${token}`];
  authorizer.headers.authorization = `Bearer ${token}`;

  // GET /orders/{orderId} of an order that exists, placed through the function itself.
  const place = clone(await sampleEvent('orders-api', 'placeOrder'));
  place.body = JSON.stringify(ORDER_BODY);
  delete place.headers['idempotency-key'];
  delete place.headers['content-length'];
  const placed = await cloud.functions.invoke('OrdersApiFunction', place);
  const orderId = JSON.parse(JSON.parse(placed.payload ?? '{}').body ?? '{}').orderId;
  if (typeof orderId !== 'string') throw new Error(`cannot place an order: ${placed.payload}`);
  const getOrder = clone(await sampleEvent('orders-api', 'getOrder'));
  getOrder.rawPath = `/orders/${orderId}`;
  getOrder.requestContext.http.path = getOrder.rawPath;
  getOrder.pathParameters = { orderId };
  getOrder.requestContext.authorizer.lambda.customerId = CUSTOMER.id;

  const publisher = clone(await sampleEvent('orders-api', 'publisherOrderPlaced'));

  const email = clone(await sampleEvent('email', 'order-placed'));
  const emailBody = JSON.parse(email.Records[0].body);

  const indexer = clone(await sampleEvent('indexer', 'object-created'));
  const indexBody = JSON.parse(indexer.Records[0].body);
  const indexKey = 'uploads/prod-1042/front view.jpg';
  indexBody.detail.bucket.name = uploads;
  indexBody.resources = [`arn:aws:s3:::${uploads}`];
  indexBody.detail.object.etag = await upload(cloud, indexKey);
  indexBody.detail.object.size = SAMPLE_JPEG_LANDSCAPE.byteLength;

  const thumbnails = clone(await sampleEvent('thumbnails', 'put-unicode-key'));
  const record = thumbnails.Records[0];
  const imageKey = 'uploads/p-1/summer sale +1 café 商品.jpg';
  const imageEtag = await upload(cloud, imageKey);
  record.s3.bucket.name = uploads;
  record.s3.bucket.arn = `arn:aws:s3:::${uploads}`;
  record.s3.object.eTag = imageEtag;
  record.s3.object.size = SAMPLE_JPEG_LANDSCAPE.byteLength;
  // The uploads above notified the thumbnailer and indexer: let that finish first.
  await cloud.idle();
  const madeByThumbnails = thumbnailOutcome(cloud, imageKey, imageEtag);

  return [
    {
      logicalId: 'AuthorizerFunction',
      event: 'orders-api/authorizer.json',
      perRound: 50,
      make: () => authorizer,
      check: (p: Json) => (p?.isAuthorized === true ? undefined : `denied: ${JSON.stringify(p)}`),
    },
    {
      logicalId: 'OrdersApiFunction',
      event: 'orders-api/getOrder.json',
      perRound: 50,
      make: () => getOrder,
      check: (p: Json) => (p?.statusCode === 200 ? undefined : `status ${p?.statusCode}`),
    },
    {
      logicalId: 'OrderEventsPublisherFunction',
      event: 'orders-api/publisherOrderPlaced.json (a new order id per call)',
      perRound: 50,
      make: (side, i) => {
        // A new order (FIFO group and event id) per call: a repeated event id would be
        // dropped by SQS's deduplication, and the email function then mails every one.
        const orderId = benchOrderId(side, i);
        const text = JSON.stringify(publisher).replaceAll(SAMPLE_ORDER_ID, orderId);
        return JSON.parse(text);
      },
      check: noBatchFailures,
    },
    {
      logicalId: 'EmailFunction',
      event: 'email/order-placed.json (a new eventId per call)',
      perRound: 25,
      make: (side, i) => {
        const event = clone(email);
        event.Records[0].messageId = `${side}-${i}-${Date.now()}`;
        event.Records[0].body = JSON.stringify({ ...emailBody, eventId: crypto.randomUUID() });
        return event;
      },
      check: noBatchFailures,
    },
    {
      logicalId: 'IndexerFunction',
      event: 'indexer/object-created.json (a newer sequencer per call)',
      perRound: 25,
      make: () => {
        const event = clone(indexer);
        indexerSequencer += 1;
        const body = clone(indexBody);
        // Above any sequencer the local S3 hands out, growing over the whole run: every call
        // is a real update.
        body.detail.object.sequencer = `F${indexerSequencer.toString(16).toUpperCase().padStart(19, '0')}`;
        event.Records[0].body = JSON.stringify(body);
        return event;
      },
      check: noBatchFailures,
    },
    {
      logicalId: 'ThumbnailsFunction',
      event: 'thumbnails/put-unicode-key.json (160x120 JPEG, its outcome removed before each call)',
      perRound: 10,
      make: () => thumbnails,
      prepare: madeByThumbnails.remove,
      check: madeByThumbnails.check,
    },
  ];
};

/**
 * What makes the thumbnailer do the real work for the same event every time, and the proof it
 * did. It skips an event whose upload (same ETag) already has an outcome.json listing
 * thumbnails made from that version (`skipped: 'unchanged'`, after a HEAD, a GET and a HEAD
 * per thumbnail, never decoding). So before each call, outside its timing, `remove` deletes
 * the key's outcome.json and thumbnails from ThumbnailsBucket: the call then decodes, renders
 * every width, writes the thumbnails and then the outcome, as for a new upload. (A new upload
 * key per call would not do: the upload's own S3 notification runs the thumbnailer first.)
 * Deletes in ThumbnailsBucket notify nothing (only an outcome's Object Created goes to the
 * indexer). `check` reads the outcome the call wrote: `generated`, every width, this upload's
 * ETag, written after the removal; a skip leaves none (or an older one), so it fails.
 * Calls run one at a time (prepare, call, check), so one removal time is enough.
 */
const thumbnailOutcome = (cloud: LocalCloud, uploadKey: string, etag: string) => {
  const bucket = cloud.model.buckets.get('ThumbnailsBucket')?.name;
  if (bucket === undefined) throw new Error('template.yaml has no ThumbnailsBucket');
  const upload = parseUploadKey(uploadKey);
  if (upload === undefined) throw new Error(`${uploadKey} is not an upload key`);
  // The keys the thumbnailer writes for this upload, as the contracts name them.
  const outcomeKey = outcomeKeyOf(upload);
  const thumbnails = thumbnailKeys(upload, thumbnailWidths(cloud));
  const keys = [outcomeKey, ...thumbnails];
  let removedAt = Number.POSITIVE_INFINITY;
  return {
    remove: async (): Promise<void> => {
      const { Errors = [] } = await cloud.clients.s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      if (Errors.length > 0) {
        throw new Error(`cannot remove the thumbnails of ${uploadKey}: ${JSON.stringify(Errors)}`);
      }
      removedAt = Date.now();
    },
    check: async (): Promise<string | undefined> => {
      let text: string;
      try {
        const object = await cloud.clients.s3.send(
          new GetObjectCommand({ Bucket: bucket, Key: outcomeKey }),
        );
        text = (await object.Body?.transformToString('utf8')) ?? '';
      } catch (error) {
        if ((error as Error).name === 'NoSuchKey') return 'no outcome.json: no thumbnails made';
        throw error;
      }
      let outcome: ThumbnailOutcome;
      try {
        outcome = parseThumbnailOutcome(text);
      } catch (error) {
        if (error instanceof InvalidOutcomeError) return `outcome.json: ${error.message}`;
        throw error;
      }
      if (outcome.status !== 'generated') {
        return `outcome ${outcome.status} (${outcome.reason ?? ''}), not generated`;
      }
      if (!(Date.parse(outcome.writtenAt) >= removedAt)) {
        return `outcome written at ${outcome.writtenAt}, before this call`;
      }
      if (outcome.source.eTag !== etag) return `outcome of ETag ${outcome.source.eTag}`;
      const made = outcome.thumbnails.map((thumbnail) => thumbnail.key).sort();
      const expected = [...thumbnails].sort();
      return JSON.stringify(made) === JSON.stringify(expected)
        ? undefined
        : `thumbnails ${JSON.stringify(made)}, expected ${JSON.stringify(expected)}`;
    },
  };
};
