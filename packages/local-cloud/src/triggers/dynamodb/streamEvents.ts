import type { AttributeValue, _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';

type Wire = Record<string, unknown>;

const base64 = (value: Uint8Array) => Buffer.from(value).toString('base64');

// The SDK hands binary values over as bytes; events carry them base64-encoded, as on the wire.
const wireValue = (value: AttributeValue): Wire => {
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.L !== undefined) return { L: value.L.map(wireValue) };
  if (value.M !== undefined) return { M: wireItem(value.M) };
  const { $unknown: _unknown, ...rest } = value as AttributeValue & { $unknown?: unknown };
  return rest as Wire;
};

const wireItem = (item: Record<string, AttributeValue>): Wire =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, wireValue(value)]));

/** A stream record (as the Streams client returns it) as Lambda puts it in an event. */
export const streamEventRecord = (record: StreamRecord, streamArn: string): Wire => {
  const ddb = record.dynamodb ?? {};
  const created = ddb.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource ?? 'aws:dynamodb',
    awsRegion: record.awsRegion,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(created.getTime() / 1000) } : {}),
      ...(ddb.Keys ? { Keys: wireItem(ddb.Keys) } : {}),
      ...(ddb.NewImage ? { NewImage: wireItem(ddb.NewImage) } : {}),
      ...(ddb.OldImage ? { OldImage: wireItem(ddb.OldImage) } : {}),
      SequenceNumber: ddb.SequenceNumber,
      SizeBytes: ddb.SizeBytes,
      StreamViewType: ddb.StreamViewType,
    },
    ...(record.userIdentity ? { userIdentity: record.userIdentity } : {}),
    eventSourceARN: streamArn,
  };
};

/** How a batch went, as Lambda reads the function's answer. */
export type BatchOutcome =
  | { kind: 'success' }
  | { kind: 'failure' }
  /** ReportBatchItemFailures: retry from this index (the lowest reported sequence number). */
  | { kind: 'partial'; from: number };

/**
 * Read a stream batch's result. Without ReportBatchItemFailures only errors fail. With it,
 * an empty or absent list is a success; the lowest reported `itemIdentifier` (a
 * SequenceNumber of the batch) is where processing resumes; an empty, missing or unknown
 * identifier fails the whole batch.
 */
export const batchOutcome = (
  result: { ok: boolean; payload?: string | undefined },
  sequenceNumbers: readonly string[],
  reportBatchItemFailures: boolean,
): BatchOutcome => {
  if (!result.ok) return { kind: 'failure' };
  if (!reportBatchItemFailures) return { kind: 'success' };
  let response: unknown;
  try {
    response = JSON.parse(result.payload ?? 'null');
  } catch {
    return { kind: 'failure' };
  }
  if (response === null || typeof response !== 'object') return { kind: 'success' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'failure' };
  if (failures.length === 0) return { kind: 'success' };
  let from = Number.POSITIVE_INFINITY;
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = typeof id === 'string' && id !== '' ? sequenceNumbers.indexOf(id) : -1;
    if (index === -1) return { kind: 'failure' };
    from = Math.min(from, index);
  }
  return { kind: 'partial', from };
};

/** What Lambda sends to an on-failure destination for discarded stream records. */
export interface StreamFailureInfo {
  requestId: string;
  functionArn: string;
  condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded';
  approximateInvokeCount: number;
  functionError?: string;
  shardId: string;
  streamArn: string;
  records: readonly StreamRecord[];
  now: Date;
}

const arrival = (record: StreamRecord | undefined) => {
  const created = record?.dynamodb?.ApproximateCreationDateTime;
  return created ? `${created.toISOString().slice(0, 19)}Z` : undefined;
};

/** The on-failure record (the "invocation record" Lambda sends for a stream batch). */
export const streamFailureMessage = (info: StreamFailureInfo) => ({
  requestContext: {
    requestId: info.requestId,
    functionArn: info.functionArn,
    condition: info.condition,
    approximateInvokeCount: info.approximateInvokeCount,
  },
  responseContext: {
    statusCode: 200,
    executedVersion: '$LATEST',
    ...(info.functionError ? { functionError: info.functionError } : {}),
  },
  version: '1.0',
  timestamp: info.now.toISOString(),
  DDBStreamBatchInfo: {
    shardId: info.shardId,
    startSequenceNumber: info.records[0]?.dynamodb?.SequenceNumber,
    endSequenceNumber: info.records.at(-1)?.dynamodb?.SequenceNumber,
    approximateArrivalOfFirstRecord: arrival(info.records[0]),
    approximateArrivalOfLastRecord: arrival(info.records.at(-1)),
    batchSize: info.records.length,
    streamArn: info.streamArn,
  },
});
