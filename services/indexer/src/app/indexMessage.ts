import * as z from '@shop/common/validation';
import { CHANGE_KINDS, OUTCOME_SUFFIX } from '../domain/constants.js';
import { MalformedEventError } from '../domain/errors.js';
import { objectKeyFromEvent } from '../domain/objectKey.js';
import { normaliseSequencer } from '../domain/sequencer.js';
import type { ChangeKind, IndexChange } from '../domain/types.js';

// Each IndexQueue message is an S3 event as EventBridge delivers it ("EventBridge event
// message structure", S3 User Guide), sent as the SQS message body by UploadsEventsRule
// (uploads bucket: Object Created / Object Deleted) or ThumbnailOutcomesRule (thumbnails
// bucket: Object Created of `*/outcome.json`, the thumbnailer's outcome event).
// The schemas follow Powertools parser 2.35's SqsRecordSchema and
// S3EventNotificationEventBridgeSchema, tightened to what the indexer relies on, written with
// zod/mini. They are written out here rather than imported: the parser's schemas use zod's
// classic API (`import { z } from 'zod'`), several times the bundle of zod/mini, and slow cold
// starts.

const text = z.string();
const optionalText = z.optional(text);

/** A Lambda SQS record (Powertools' SqsRecordSchema). */
const sqsRecordSchema = z.object({
  messageId: text,
  receiptHandle: text,
  body: text,
  attributes: z.object({
    ApproximateReceiveCount: text,
    ApproximateFirstReceiveTimestamp: text,
    MessageDeduplicationId: optionalText,
    MessageGroupId: optionalText,
    SenderId: text,
    SentTimestamp: text,
    SequenceNumber: optionalText,
    AWSTraceHeader: optionalText,
    DeadLetterQueueSourceArn: optionalText,
  }),
  messageAttributes: z.record(
    text,
    z.object({
      stringValue: z.optional(z.nullable(text)),
      binaryValue: z.optional(z.nullable(text)),
      stringListValues: z.optional(z.array(text)),
      binaryListValues: z.optional(z.array(text)),
      dataType: text,
    }),
  ),
  md5OfBody: text,
  md5OfMessageAttributes: z.optional(z.nullable(text)),
  eventSource: z.literal('aws:sqs'),
  eventSourceARN: text,
  awsRegion: text,
});

/** The `detail` of an S3 event on EventBridge (Powertools' detail schema, tightened). */
const detailSchema = z.object({
  version: text,
  bucket: z.object({ name: text }),
  object: z.object({
    key: text,
    size: z.optional(z.number().check(z.nonnegative())), // not in Object Deleted events
    etag: optionalText, // not in Object Deleted events
    'version-id': optionalText,
    // Without a sequencer an event cannot be ordered against others for the same key.
    sequencer: z.string().check(z.minLength(1)),
  }),
  'request-id': text,
  requester: text,
  // Powertools 2.35 accepts IPv4 only here; S3's dual-stack endpoints also see IPv6 clients.
  'source-ip-address': optionalText,
  reason: optionalText,
  'deletion-type': optionalText,
  'restore-expiry-time': optionalText,
  'source-storage-class': optionalText,
  'destination-storage-class': optionalText,
  'destination-access-tier': optionalText,
});

const kinds = Object.entries(CHANGE_KINDS) as [ChangeKind, string][];
const kindOf = new Map(kinds.map(([kind, detailType]) => [detailType, kind]));

/** An S3 Object Created / Object Deleted event in the EventBridge envelope. */
export const S3ObjectEventSchema = z.object({
  version: text,
  id: text,
  source: z.literal('aws.s3'),
  account: text,
  time: z.iso.datetime(),
  region: text,
  resources: z.array(text),
  'detail-type': z.enum([CHANGE_KINDS.created, CHANGE_KINDS.deleted]),
  detail: detailSchema,
  'replay-name': optionalText,
});

/** A JSON text that parses to a value matching `schema` (Powertools' JSONStringified). */
const jsonText = <T extends z.ZodMiniType>(schema: T) =>
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((value: string, ctx) => {
        try {
          return JSON.parse(value) as unknown;
        } catch (error) {
          ctx.issues.push({
            code: 'custom',
            message: `Invalid JSON - ${(error as Error).message}`,
            input: value,
          });
          return z.NEVER;
        }
      }),
    ),
    schema,
  );

/** One IndexQueue record as Lambda's SQS event source delivers it. */
export const IndexMessageSchema = z.extend(sqsRecordSchema, {
  body: jsonText(S3ObjectEventSchema),
});

const describeIssues = (error: z.core.$ZodError): string =>
  error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(record)'}: ${issue.message}`)
    .join('; ');

const unquote = (eTag: string) => eTag.replace(/^"(.*)"$/, '$1');

/** The buckets IndexQueue's events may come from. */
export interface IndexedBuckets {
  uploadsBucket: string;
  thumbnailsBucket: string;
}

/**
 * Validate one SQS record from IndexQueue and turn it into an {@link IndexChange}: an upload
 * created or deleted, or a thumbnailer outcome written.
 *
 * @throws {MalformedEventError} when the record can never be indexed: not an S3 object event
 * of the documented shape, an unusable sequencer, a bucket other than the two, or a thumbnails
 * bucket event that is not an outcome being written.
 *
 * @example
 * const change = parseIndexMessage(record, config);
 * change.kind; // 'created'
 */
export const parseIndexMessage = (record: unknown, buckets: IndexedBuckets): IndexChange => {
  const parsed = z.safeParse(IndexMessageSchema, record);
  if (!parsed.success) {
    throw new MalformedEventError(describeIssues(parsed.error), { cause: parsed.error });
  }
  const event = parsed.data.body;
  const { bucket, object } = event.detail;
  const kind = kindOf.get(event['detail-type']);
  if (kind === undefined) throw new MalformedEventError('unexpected detail-type');
  const common = {
    eventId: event.id,
    bucket: bucket.name,
    key: objectKeyFromEvent(object.key),
    sequencer: normaliseSequencer(object.sequencer),
    ...(kind === 'created' && object.etag !== undefined ? { eTag: unquote(object.etag) } : {}),
    eventTime: event.time,
  };
  if (bucket.name === buckets.thumbnailsBucket) {
    if (kind !== 'created' || !common.key.endsWith(OUTCOME_SUFFIX)) {
      throw new MalformedEventError('thumbnails bucket event is not an outcome being written');
    }
    return { kind: 'outcome', ...common };
  }
  if (bucket.name !== buckets.uploadsBucket) {
    throw new MalformedEventError(`event is for bucket "${bucket.name}", not the uploads bucket`);
  }
  return { kind, ...common };
};
