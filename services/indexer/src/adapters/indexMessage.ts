import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { S3EventNotificationEventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/s3';
import { SqsRecordSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import * as z from 'zod';
import { MalformedEventError } from '../domain/errors.js';
import { objectKeyFromEvent } from '../domain/objectKey.js';
import { normaliseSequencer } from '../domain/sequencer.js';
import { CHANGE_KINDS, type ChangeKind, type ObjectChange } from '../domain/types.js';

// Each IndexQueue message is an S3 event as EventBridge delivers it ("EventBridge event
// message structure", S3 User Guide), sent by UploadsEventsRule as the SQS message body.
// Powertools' schemas describe both layers; we tighten them to what the indexer relies on.

const baseDetail = S3EventNotificationEventBridgeSchema.shape.detail;

const detailSchema = baseDetail.extend({
  object: baseDetail.shape.object.extend({
    // Without a sequencer an event cannot be ordered against others for the same key.
    sequencer: z.string().min(1),
  }),
  // Powertools 2.35 accepts IPv4 only here; S3's dual-stack endpoints also see IPv6 clients.
  'source-ip-address': z.string().optional(),
});

const kinds = Object.entries(CHANGE_KINDS) as [ChangeKind, string][];
const kindOf = new Map(kinds.map(([kind, detailType]) => [detailType, kind]));

/** An S3 Object Created / Object Deleted event in the EventBridge envelope. */
export const S3ObjectEventSchema = S3EventNotificationEventBridgeSchema.extend({
  source: z.literal('aws.s3'),
  'detail-type': z.enum([CHANGE_KINDS.created, CHANGE_KINDS.deleted]),
  detail: detailSchema,
});

/** One IndexQueue record as Lambda's SQS event source delivers it. */
export const IndexMessageSchema = SqsRecordSchema.extend({
  body: JSONStringified(S3ObjectEventSchema),
});

const describeIssues = (error: z.ZodError): string =>
  error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(record)'}: ${issue.message}`)
    .join('; ');

const unquote = (eTag: string) => eTag.replace(/^"(.*)"$/, '$1');

/**
 * Validate one SQS record from IndexQueue and turn it into an {@link ObjectChange}.
 *
 * @throws {MalformedEventError} when the record can never be indexed: not an S3 object event
 * of the documented shape, an unusable sequencer, or a bucket other than `uploadsBucket`.
 *
 * @example
 * const change = parseIndexMessage(record, config.uploadsBucket);
 * change.kind; // 'created'
 */
export const parseIndexMessage = (record: unknown, uploadsBucket: string): ObjectChange => {
  const parsed = IndexMessageSchema.safeParse(record);
  if (!parsed.success) {
    throw new MalformedEventError(describeIssues(parsed.error), { cause: parsed.error });
  }
  const event = parsed.data.body;
  const { bucket, object } = event.detail;
  if (bucket.name !== uploadsBucket) {
    throw new MalformedEventError(`event is for bucket "${bucket.name}", not the uploads bucket`);
  }
  const kind = kindOf.get(event['detail-type']);
  if (kind === undefined) throw new MalformedEventError('unexpected detail-type');
  return {
    kind,
    eventId: event.id,
    bucket: bucket.name,
    key: objectKeyFromEvent(object.key),
    sequencer: normaliseSequencer(object.sequencer),
    ...(kind === 'created' && object.etag !== undefined ? { eTag: unquote(object.etag) } : {}),
    eventTime: event.time,
  };
};
