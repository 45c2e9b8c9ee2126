import * as z from 'zod';
import { MalformedEventError } from '../domain/errors.js';
import { objectKeyFromEvent } from '../domain/objectKey.js';
import { normaliseSequencer } from '../domain/sequencer.js';
import { CHANGE_KINDS, type ChangeKind, type IndexChange } from '../domain/types.js';

// Each IndexQueue message is an S3 event as EventBridge delivers it ("EventBridge event
// message structure", S3 User Guide), sent as the SQS message body by UploadsEventsRule
// (uploads bucket: Object Created / Object Deleted) or ThumbnailOutcomesRule (thumbnails
// bucket: Object Created of `*/outcome.json`, the thumbnailer's outcome event).
// The schemas follow Powertools parser 2.35's SqsRecordSchema and
// S3EventNotificationEventBridgeSchema, tightened to what the indexer relies on. They are
// written out here rather than imported: the parser's schemas `import { z } from 'zod'`, which
// pulls every zod locale into the bundle (959 KiB instead of ~510 KiB) and slows cold starts.

/** A Lambda SQS record (Powertools' SqsRecordSchema). */
const sqsRecordSchema = z.object({
  messageId: z.string(),
  receiptHandle: z.string(),
  body: z.string(),
  attributes: z.object({
    ApproximateReceiveCount: z.string(),
    ApproximateFirstReceiveTimestamp: z.string(),
    MessageDeduplicationId: z.string().optional(),
    MessageGroupId: z.string().optional(),
    SenderId: z.string(),
    SentTimestamp: z.string(),
    SequenceNumber: z.string().optional(),
    AWSTraceHeader: z.string().optional(),
    DeadLetterQueueSourceArn: z.string().optional(),
  }),
  messageAttributes: z.record(
    z.string(),
    z.object({
      stringValue: z.string().optional().nullable(),
      binaryValue: z.string().optional().nullable(),
      stringListValues: z.array(z.string()).optional(),
      binaryListValues: z.array(z.string()).optional(),
      dataType: z.string(),
    }),
  ),
  md5OfBody: z.string(),
  md5OfMessageAttributes: z.string().optional().nullable(),
  eventSource: z.literal('aws:sqs'),
  eventSourceARN: z.string(),
  awsRegion: z.string(),
});

/** The `detail` of an S3 event on EventBridge (Powertools' detail schema, tightened). */
const detailSchema = z.object({
  version: z.string(),
  bucket: z.object({ name: z.string() }),
  object: z.object({
    key: z.string(),
    size: z.number().nonnegative().optional(), // not in Object Deleted events
    etag: z.string().optional(), // not in Object Deleted events
    'version-id': z.string().optional(),
    // Without a sequencer an event cannot be ordered against others for the same key.
    sequencer: z.string().min(1),
  }),
  'request-id': z.string(),
  requester: z.string(),
  // Powertools 2.35 accepts IPv4 only here; S3's dual-stack endpoints also see IPv6 clients.
  'source-ip-address': z.string().optional(),
  reason: z.string().optional(),
  'deletion-type': z.string().optional(),
  'restore-expiry-time': z.string().optional(),
  'source-storage-class': z.string().optional(),
  'destination-storage-class': z.string().optional(),
  'destination-access-tier': z.string().optional(),
});

const kinds = Object.entries(CHANGE_KINDS) as [ChangeKind, string][];
const kindOf = new Map(kinds.map(([kind, detailType]) => [detailType, kind]));

/** An S3 Object Created / Object Deleted event in the EventBridge envelope. */
export const S3ObjectEventSchema = z.object({
  version: z.string(),
  id: z.string(),
  source: z.literal('aws.s3'),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.enum([CHANGE_KINDS.created, CHANGE_KINDS.deleted]),
  detail: detailSchema,
  'replay-name': z.string().optional(),
});

/** A JSON text that parses to a value matching `schema` (Powertools' JSONStringified). */
const jsonText = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: `Invalid JSON - ${(error as Error).message}`,
          fatal: true,
        });
        return z.NEVER;
      }
    })
    .pipe(schema);

/** One IndexQueue record as Lambda's SQS event source delivers it. */
export const IndexMessageSchema = sqsRecordSchema.extend({
  body: jsonText(S3ObjectEventSchema),
});

const describeIssues = (error: z.ZodError): string =>
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

/** The suffix of the thumbnailer's outcome objects (ThumbnailOutcomesRule matches it too). */
export const OUTCOME_SUFFIX = '/outcome.json';

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
  const parsed = IndexMessageSchema.safeParse(record);
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
