import { describe, expect, it } from 'vitest';
import { failedItems, passesFilters, sqsRecord } from '../../src/triggers/sqs/sqsEvents.js';

describe('sqsRecord', () => {
  it('builds the record Lambda sends for an SQS message', () => {
    // Act
    const record = sqsRecord(
      {
        MessageId: 'm-1',
        ReceiptHandle: 'rh-1',
        Body: '{"a":1}',
        MD5OfBody: 'md5',
        Attributes: { ApproximateReceiveCount: '2', SentTimestamp: '1700000000000' },
        MessageAttributes: {
          eventType: { DataType: 'String', StringValue: 'OrderPlaced' },
          blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2]) },
        },
      },
      { arn: 'arn:aws:sqs:us-east-1:000000000000:q', region: 'us-east-1' },
    );

    // Assess
    expect(record).toEqual({
      messageId: 'm-1',
      receiptHandle: 'rh-1',
      body: '{"a":1}',
      attributes: { ApproximateReceiveCount: '2', SentTimestamp: '1700000000000' },
      messageAttributes: {
        eventType: {
          stringValue: 'OrderPlaced',
          stringListValues: [],
          binaryListValues: [],
          dataType: 'String',
        },
        blob: {
          binaryValue: 'AQI=',
          stringListValues: [],
          binaryListValues: [],
          dataType: 'Binary',
        },
      },
      md5OfBody: 'md5',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
      awsRegion: 'us-east-1',
    });
  });
});

describe('failedItems', () => {
  const batch = new Set(['a', 'b', 'c']);

  it.each([
    ['no response', 'null', []],
    ['an empty list', '{"batchItemFailures":[]}', []],
    ['reported failures', '{"batchItemFailures":[{"itemIdentifier":"b"}]}', ['b']],
  ])('reads %s', (_case, payload, expected) => {
    // Act
    const failed = failedItems(payload, batch);

    // Assess
    expect(failed === 'all' ? 'all' : [...failed]).toEqual(expected);
  });

  it.each([
    ['an unknown id', '{"batchItemFailures":[{"itemIdentifier":"zzz"}]}'],
    ['an empty id', '{"batchItemFailures":[{"itemIdentifier":""}]}'],
    ['a non-list', '{"batchItemFailures":"b"}'],
  ])('fails the whole batch for %s', (_case, payload) => {
    // Act / Assess
    expect(failedItems(payload, batch)).toBe('all');
  });
});

describe('passesFilters', () => {
  const source = { arn: 'arn:aws:sqs:us-east-1:000000000000:q', region: 'us-east-1' };
  const message = {
    MessageId: 'm-1',
    Body: '{"type":"order","total":12}',
    Attributes: { ApproximateReceiveCount: '1' },
    MessageAttributes: { kind: { DataType: 'String', StringValue: 'priority' } },
  };

  it('matches patterns on the parsed body and on the rest of the record, as Lambda does', () => {
    // Act / Assess
    expect(passesFilters([{ body: { type: ['order'] } }], message, source)).toBe(true);
    expect(
      passesFilters(
        [{ messageAttributes: { kind: { stringValue: ['priority'] } } }],
        message,
        source,
      ),
    ).toBe(true);
    expect(
      passesFilters([{ attributes: { ApproximateReceiveCount: ['1'] } }], message, source),
    ).toBe(true);
    expect(
      passesFilters([{ messageAttributes: { kind: { stringValue: ['bulk'] } } }], message, source),
    ).toBe(false);
    expect(passesFilters([{ body: { type: ['refund'] } }], message, source)).toBe(false);
  });

  it('lets every message through without filters, and matches a plain-text body as a string', () => {
    // Act / Assess
    expect(passesFilters([], message, source)).toBe(true);
    expect(passesFilters([{ body: ['hello'] }], { ...message, Body: 'hello' }, source)).toBe(true);
  });
});
