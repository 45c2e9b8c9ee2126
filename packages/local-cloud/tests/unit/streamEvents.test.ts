import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import { parseFilterCriteria } from '../../src/provision/parseFilterCriteria.js';
import {
  batchOutcome,
  streamEventRecord,
  streamFailureMessage,
} from '../../src/triggers/dynamodb/streamEvents.js';
import { matchesPattern } from '../../src/triggers/eventbridge/eventPattern.js';

const STREAM_ARN =
  'arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2026-12-01T00:00:00.000';

const order = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', old?: string, now?: string) =>
  ({
    eventID: 'e-1',
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: new Date('2026-12-01T12:00:00.000Z'),
      Keys: { pk: { S: 'ORDER#1' } },
      ...(now
        ? { NewImage: { pk: { S: 'ORDER#1' }, entity: { S: 'Order' }, status: { S: now } } }
        : {}),
      ...(old
        ? { OldImage: { pk: { S: 'ORDER#1' }, entity: { S: 'Order' }, status: { S: old } } }
        : {}),
      SequenceNumber: '111',
      SizeBytes: 90,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  }) as StreamRecord;

describe('streamEventRecord', () => {
  it('builds the record Lambda sends: epoch seconds, wire attribute values, the stream ARN', () => {
    // Prepare
    const record = order('INSERT', undefined, 'PLACED');
    (record.dynamodb as { NewImage: Record<string, unknown> }).NewImage.blob = {
      B: new Uint8Array([1, 2, 3]),
    };

    // Act
    const event = streamEventRecord(record, STREAM_ARN);

    // Assess
    expect(event).toEqual({
      eventID: 'e-1',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: 1_796_126_400,
        Keys: { pk: { S: 'ORDER#1' } },
        NewImage: {
          pk: { S: 'ORDER#1' },
          entity: { S: 'Order' },
          status: { S: 'PLACED' },
          blob: { B: 'AQID' },
        },
        SequenceNumber: '111',
        SizeBytes: 90,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: STREAM_ARN,
    });
  });
});

describe('FilterCriteria on stream records', () => {
  // The patterns of the orders service's OrderEventsPublisherFunction.
  const filters = parseFilterCriteria(
    {
      Filters: [
        { Pattern: '{"eventName":["INSERT"],"dynamodb":{"NewImage":{"entity":{"S":["Order"]}}}}' },
        {
          Pattern:
            '{"eventName":["MODIFY"],"dynamodb":{"OldImage":{"status":{"S":["PLACED"]}},"NewImage":{"status":{"S":["CANCELLED"]}}}}',
        },
      ],
    },
    'FilterCriteria',
  );
  const matches = (record: StreamRecord) =>
    filters.some((pattern) => matchesPattern(pattern, streamEventRecord(record, STREAM_ARN)));

  it('keeps order inserts and PLACED -> CANCELLED changes', () => {
    expect(matches(order('INSERT', undefined, 'PLACED'))).toBe(true);
    expect(matches(order('MODIFY', 'PLACED', 'CANCELLED'))).toBe(true);
  });

  it('drops other changes, removals and other entities', () => {
    expect(matches(order('MODIFY', 'PLACED', 'SHIPPED'))).toBe(false);
    expect(matches(order('MODIFY', 'CANCELLED', 'CANCELLED'))).toBe(false);
    expect(matches(order('REMOVE', 'PLACED'))).toBe(false);
    const idempotencyRecord = order('INSERT', undefined, 'PLACED');
    (idempotencyRecord.dynamodb as { NewImage: Record<string, unknown> }).NewImage.entity = {
      S: 'IdempotencyKey',
    };
    expect(matches(idempotencyRecord)).toBe(false);
  });
});

describe('batchOutcome', () => {
  const batch = ['101', '102', '103'];

  it('reads success, function errors and partial failures as Lambda does', () => {
    expect(batchOutcome({ ok: true, payload: 'null' }, batch, true)).toEqual({ kind: 'success' });
    expect(batchOutcome({ ok: true, payload: '{}' }, batch, true)).toEqual({ kind: 'success' });
    expect(batchOutcome({ ok: true, payload: '{"batchItemFailures":[]}' }, batch, true)).toEqual({
      kind: 'success',
    });
    expect(batchOutcome({ ok: false }, batch, true)).toEqual({ kind: 'failure' });
    expect(
      batchOutcome(
        {
          ok: true,
          payload: '{"batchItemFailures":[{"itemIdentifier":"103"},{"itemIdentifier":"102"}]}',
        },
        batch,
        true,
      ),
    ).toEqual({ kind: 'partial', from: 1 });
    expect(
      batchOutcome(
        { ok: true, payload: '{"batchItemFailures":[{"itemIdentifier":null}]}' },
        batch,
        true,
      ),
    ).toEqual({ kind: 'failure' });
  });
});

describe('streamFailureMessage', () => {
  it('builds the on-failure record with the batch info', () => {
    // Act
    const message = streamFailureMessage({
      requestId: 'req-1',
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:publisher',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 11,
      functionError: 'Unhandled',
      shardId: 'shardId-1',
      streamArn: STREAM_ARN,
      records: [order('INSERT', undefined, 'PLACED')],
      now: new Date('2026-12-01T12:00:05.123Z'),
    });

    // Assess
    expect(message).toEqual({
      requestContext: {
        requestId: 'req-1',
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:publisher',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 11,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-12-01T12:00:05.123Z',
      DDBStreamBatchInfo: {
        shardId: 'shardId-1',
        startSequenceNumber: '111',
        endSequenceNumber: '111',
        approximateArrivalOfFirstRecord: '2026-12-01T12:00:00Z',
        approximateArrivalOfLastRecord: '2026-12-01T12:00:00Z',
        batchSize: 1,
        streamArn: STREAM_ARN,
      },
    });
  });
});
