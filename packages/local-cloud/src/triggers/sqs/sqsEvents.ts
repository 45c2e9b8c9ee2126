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
export const SQS_EMPTY_EVENT_BYTES = Buffer.byteLength(
  JSON.stringify(sqsEvent([], { arn: '', region: '' })),
);

/** UTF-8 bytes a message's record takes in the event's JSON (without the comma before it). */
export const sqsRecordBytes = (message: Message, source: SqsSource): number =>
  Buffer.byteLength(JSON.stringify(sqsRecord(message, source)), 'utf8');

/**
 * How many messages, from the first, make an event ({@link sqsEvent}) whose JSON takes at most
 * `maxBytes` UTF-8 bytes, as Invoke counts a request; at least one, even when the first alone
 * is larger (its invocation is then refused, as Lambda refuses it). Each record is serialised
 * once: the event's size is `{"Records":[` + the records, comma-separated + `]}`.
 */
export const fittingPrefix = (messages: Message[], source: SqsSource, maxBytes: number): number => {
  let bytes = SQS_EMPTY_EVENT_BYTES;
  for (const [index, message] of messages.entries()) {
    bytes += sqsRecordBytes(message, source) + (index > 0 ? 1 : 0);
    if (bytes > maxBytes) return Math.max(1, index);
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
