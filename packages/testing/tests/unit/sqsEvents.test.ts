import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  queueArn,
  receivedAgain,
  sqsEvent,
  sqsRecord,
  sqsRecordFromMessage,
} from '../../src/sqsEvents.js';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

describe('sqsRecord', () => {
  it('builds a standard queue record with the body serialised and its MD5', () => {
    // Act
    const record = sqsRecord({ hello: 'world' }, { messageId: 'm-1' });

    // Assess
    expect(record).toMatchObject({
      messageId: 'm-1',
      body: '{"hello":"world"}',
      md5OfBody: md5('{"hello":"world"}'),
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:shop-TestQueue',
      awsRegion: 'us-east-1',
    });
    expect(record.attributes.ApproximateReceiveCount).toBe('1');
    expect(record.attributes.MessageGroupId).toBeUndefined();
    expect(record.attributes.SequenceNumber).toBeUndefined();
  });

  it('builds FIFO records with group, deduplication id and increasing sequence numbers', () => {
    // Act
    const first = sqsRecord('a', { fifo: { groupId: 'order-1', deduplicationId: 'event-1' } });
    const second = sqsRecord('b', {
      fifo: { groupId: 'order-1' },
      queueArn: queueArn('OrderEventsQueue.fifo', 'eu-west-1'),
      receiveCount: 3,
    });

    // Assess
    expect(first.attributes).toMatchObject({
      MessageGroupId: 'order-1',
      MessageDeduplicationId: 'event-1',
    });
    expect(first.eventSourceARN).toMatch(/\.fifo$/);
    expect(second.attributes.MessageDeduplicationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.attributes.ApproximateReceiveCount).toBe('3');
    expect(second.awsRegion).toBe('eu-west-1');
    expect(first.attributes.SequenceNumber).toMatch(/^\d{20}$/);
    expect(BigInt(second.attributes.SequenceNumber ?? '0')).toBeGreaterThan(
      BigInt(first.attributes.SequenceNumber ?? '0'),
    );
  });

  it('delivers a record again with a new receipt handle and one more receive', () => {
    // Prepare
    const record = sqsRecord('x', { receiveCount: 2 });

    // Act
    const again = receivedAgain(record);

    // Assess
    expect(again.messageId).toBe(record.messageId);
    expect(again.receiptHandle).not.toBe(record.receiptHandle);
    expect(again.attributes.ApproximateReceiveCount).toBe('3');
    expect(receivedAgain(record, 5).attributes.ApproximateReceiveCount).toBe('5');
    expect(sqsEvent(record, again).Records).toEqual([record, again]);
  });
});

describe('sqsRecordFromMessage', () => {
  it('keeps what the queue returned, FIFO attributes and message attributes included', () => {
    // Act
    const record = sqsRecordFromMessage(
      {
        MessageId: 'm-2',
        ReceiptHandle: 'handle',
        Body: 'body',
        MD5OfBody: md5('body'),
        Attributes: {
          ApproximateReceiveCount: '2',
          SentTimestamp: '1',
          SenderId: 'sender',
          ApproximateFirstReceiveTimestamp: '2',
          MessageGroupId: 'g',
          MessageDeduplicationId: 'd',
          SequenceNumber: '18000000000000000001',
        },
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'OrderPlaced' } },
      },
      queueArn('q.fifo'),
    );

    // Assess
    expect(record).toEqual({
      messageId: 'm-2',
      receiptHandle: 'handle',
      body: 'body',
      attributes: {
        ApproximateReceiveCount: '2',
        SentTimestamp: '1',
        SenderId: 'sender',
        ApproximateFirstReceiveTimestamp: '2',
        MessageGroupId: 'g',
        MessageDeduplicationId: 'd',
        SequenceNumber: '18000000000000000001',
      },
      messageAttributes: {
        kind: {
          dataType: 'String',
          stringValue: 'OrderPlaced',
          stringListValues: [],
          binaryListValues: [],
        },
      },
      md5OfBody: md5('body'),
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q.fifo',
      awsRegion: 'us-east-1',
    });
  });

  it('fills in the attributes a backend left out', () => {
    // Act
    const record = sqsRecordFromMessage({ MessageId: 'm-3', Body: 'x' }, queueArn('q'));

    // Assess
    expect(record.attributes.ApproximateReceiveCount).toBe('1');
    expect(record.attributes.SentTimestamp).toMatch(/^\d+$/);
    expect(record.md5OfBody).toBe(md5('x'));
  });
});
