import type { Message } from '@aws-sdk/client-sqs';
import { matchesPattern } from '../eventbridge/eventPattern.js';

/** What an SQS record needs besides the message. */
export interface SqsSource {
  arn: string;
  region: string;
}

const base64 = (value: Uint8Array | undefined) =>
  value === undefined ? undefined : Buffer.from(value).toString('base64');

/**
 * One record of the event an SQS event source mapping sends a function (the shape Lambda
 * uses: camel-cased attributes, message attributes with stringValue/binaryValue and the
 * list fields, eventSource aws:sqs).
 */
export const sqsRecord = (message: Message, source: SqsSource): Record<string, unknown> => {
  const messageAttributes: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      ...(attribute.StringValue === undefined ? {} : { stringValue: attribute.StringValue }),
      ...(attribute.BinaryValue === undefined
        ? {}
        : { binaryValue: base64(attribute.BinaryValue) }),
      stringListValues: attribute.StringListValues ?? [],
      binaryListValues: (attribute.BinaryListValues ?? []).map((value) => base64(value)),
      dataType: attribute.DataType,
    };
  }
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body ?? '',
    attributes: { ...(message.Attributes ?? {}) },
    messageAttributes,
    md5OfBody: message.MD5OfBody,
    ...(message.MD5OfMessageAttributes
      ? { md5OfMessageAttributes: message.MD5OfMessageAttributes }
      : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: source.arn,
    awsRegion: source.region,
  };
};

/** The event for a batch: `{ Records: [...] }`. */
export const sqsEvent = (messages: Message[], source: SqsSource) => ({
  Records: messages.map((message) => sqsRecord(message, source)),
});

/** UTF-8 bytes of the event for no message, `{"Records":[]}`. */
const EMPTY_EVENT_BYTES = Buffer.byteLength(JSON.stringify(sqsEvent([], { arn: '', region: '' })));

/**
 * The UTF-8 size, as Invoke counts a request, of an event ({@link sqsEvent}) built one message
 * at a time: `{"Records":[` + the records, comma-separated + `]}`, each record serialised once.
 *
 * @example
 * const size = sqsEventSize(source);
 * for (const message of batch) if (size.add(message) > MAX_SYNC_REQUEST_BYTES) break;
 */
export const sqsEventSize = (source: SqsSource) => {
  let bytes = EMPTY_EVENT_BYTES;
  let records = 0;
  return {
    /** Add a message's record; the event's size with it. */
    add(message: Message): number {
      bytes += Buffer.byteLength(JSON.stringify(sqsRecord(message, source)), 'utf8');
      if (records++ > 0) bytes += 1;
      return bytes;
    },
    get bytes() {
      return bytes;
    },
  };
};

/**
 * How many messages, from the first, make an event ({@link sqsEvent}) whose JSON takes at most
 * `maxBytes` UTF-8 bytes, as Invoke counts a request; at least one, even when the first alone
 * is larger (its invocation is then refused, as Lambda refuses it).
 */
export const fittingPrefix = (messages: Message[], source: SqsSource, maxBytes: number): number => {
  const size = sqsEventSize(source);
  for (const [index, message] of messages.entries()) {
    if (size.add(message) > maxBytes) return Math.max(1, index);
  }
  return messages.length;
};

/**
 * The message ids a function reported as failed (`ReportBatchItemFailures`), or
 * `'all'` when the response is not a valid partial-batch response, which Lambda treats as
 * a failure of the whole batch.
 */
export const failedItems = (
  payload: string | undefined,
  batchIds: ReadonlySet<string>,
): Set<string> | 'all' => {
  let response: unknown;
  try {
    response = JSON.parse(payload ?? 'null');
  } catch {
    return 'all';
  }
  if (response === null || typeof response !== 'object') return new Set();
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return 'all';
  const ids = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !batchIds.has(id)) return 'all';
    ids.add(id);
  }
  return ids;
};

/** The body as FilterCriteria sees it: parsed when it is JSON, the string otherwise. */
const filterBody = (message: Message): unknown => {
  try {
    return JSON.parse(message.Body ?? '');
  } catch {
    return message.Body;
  }
};

/**
 * Whether a message passes an SQS mapping's FilterCriteria: some pattern matches the record as
 * the function would get it (`messageAttributes`, `attributes`, ...), with the body parsed
 * when it is JSON. No filters: every message passes.
 */
export const passesFilters = (
  filters: readonly unknown[],
  message: Message,
  source: SqsSource,
): boolean => {
  if (filters.length === 0) return true;
  const record = { ...sqsRecord(message, source), body: filterBody(message) };
  return filters.some((pattern) => matchesPattern(pattern, record));
};
