import type { Message } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import {
  failedItems,
  fittingPrefix,
  passesFilters,
  sqsEvent,
  sqsRecord,
} from '../../src/triggers/sqs/sqsEvents.js';

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

describe('fittingPrefix', () => {
  const source = { arn: 'arn:aws:sqs:us-east-1:000000000000:q', region: 'us-east-1' };
  // Bodies with multi-byte characters and characters JSON escapes, so that UTF-8 bytes,
  // string length and body length all differ.
  const messages: Message[] = Array.from({ length: 12 }, (_, i) => ({
    MessageId: `m-${i}`,
    ReceiptHandle: `rh-${i}`,
    Body: `${'é€"\n\\'.repeat(50 * (i + 1))}🙂`,
    MD5OfBody: 'md5',
    Attributes: { ApproximateReceiveCount: '1' },
    MessageAttributes: { kind: { DataType: 'String', StringValue: `ünïcode-${i}` } },
  }));
  /** The event's size as Invoke counts it, by serialising the whole event. */
  const eventBytes = (batch: Message[]) =>
    Buffer.byteLength(JSON.stringify(sqsEvent(batch, source)), 'utf8');

  it('takes the longest prefix whose event fits, at every limit around each boundary', () => {
    for (let n = 1; n <= messages.length; n++) {
      const exact = eventBytes(messages.slice(0, n));
      // Act / Assess: exactly the size of n messages fits n; one byte less fits n - 1.
      expect(fittingPrefix(messages, source, exact)).toBe(n);
      if (n > 1) expect(fittingPrefix(messages, source, exact - 1)).toBe(n - 1);
    }
  });

  it('takes every message when the whole event fits', () => {
    // Act / Assess
    expect(fittingPrefix(messages, source, eventBytes(messages))).toBe(messages.length);
    expect(fittingPrefix(messages, source, 6_291_456)).toBe(messages.length);
  });

  it('takes at least the first message, even when it alone is over the limit', () => {
    // Act / Assess
    expect(fittingPrefix(messages, source, eventBytes(messages.slice(0, 1)) - 1)).toBe(1);
    expect(fittingPrefix(messages, source, 10)).toBe(1);
  });

  it('takes nothing from no message', () => {
    // Act / Assess
    expect(fittingPrefix([], source, 6_291_456)).toBe(0);
  });
});
