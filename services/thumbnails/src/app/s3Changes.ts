import * as z from '@shop/common/validation';
import { decodeS3EventKey } from '@shop/contracts/mediaKeys';

// S3 notification records, reduced to what the thumbnailer acts on. Keys arrive URL-encoded
// (`+` for a space, `%2B` for a plus, UTF-8 percent-escapes) and are decoded here, once. Each
// record is validated on its own, so one malformed record never hides the others.

const recordSchema = z.object({
  eventName: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string().check(z.minLength(1)) }),
    object: z.object({
      key: z.string().check(z.minLength(1)),
      eTag: z.optional(z.string()),
      sequencer: z.optional(z.string()),
    }),
  }),
});

/** The envelope: S3's `s3:TestEvent` (and anything else without a `Records` array) has none. */
const eventSchema = z.object({ Records: z.array(z.unknown()) });

/** One record of an S3 notification, decoded. */
export type S3Change =
  | {
      action: 'created' | 'removed';
      eventName: string;
      bucket: string;
      key: string;
      /** The version the event is about (ObjectCreated); unquoted. */
      eTag?: string;
      /** Orders events for one key; carried into the outcome the indexer compares it with. */
      sequencer?: string;
    }
  | { action: 'ignored'; eventName: string; problem: string };

const actionOf = (eventName: string): 'created' | 'removed' | undefined => {
  const name = eventName.replace(/^s3:/, '');
  if (name.startsWith('ObjectCreated:')) return 'created';
  if (name.startsWith('ObjectRemoved:')) return 'removed';
  return undefined;
};

const toChange = (record: unknown): S3Change => {
  const parsed = z.safeParse(recordSchema, record);
  if (!parsed.success) {
    return { action: 'ignored', eventName: 'unknown', problem: 'not an S3 notification record' };
  }
  const { eventName, s3 } = parsed.data;
  const action = actionOf(eventName);
  if (action === undefined)
    return { action: 'ignored', eventName, problem: 'event type not handled' };
  try {
    const { sequencer } = s3.object;
    const eTag = s3.object.eTag?.replaceAll('"', '');
    return {
      action,
      eventName,
      bucket: s3.bucket.name,
      key: decodeS3EventKey(s3.object.key),
      ...(eTag ? { eTag } : {}),
      ...(sequencer === undefined ? {} : { sequencer }),
    };
  } catch {
    return { action: 'ignored', eventName, problem: 'key is not valid URL encoding' };
  }
};

/**
 * The records of an S3 notification event as created/removed changes with decoded keys. An
 * event without records (S3's `s3:TestEvent`) gives none.
 *
 * @example
 * parseS3Event({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' },
 *   object: { key: 'uploads/p1/a+b.jpg' } } }] });
 * // [{ action: 'created', eventName: 'ObjectCreated:Put', bucket: 'b', key: 'uploads/p1/a b.jpg' }]
 */
export const parseS3Event = (event: unknown): S3Change[] => {
  const parsed = z.safeParse(eventSchema, event);
  return parsed.success ? parsed.data.Records.map(toChange) : [];
};
