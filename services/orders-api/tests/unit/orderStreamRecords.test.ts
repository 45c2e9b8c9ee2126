import { readFileSync } from 'node:fs';
import { orderEventSchema } from '@shop/contracts/orderEvents';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { toOrderChangeRecord } from '../../src/app/orderStreamRecords.js';
import { eventIdFor } from '../../src/domain/identifiers.js';

const sample = (name: string): DynamoDBStreamEvent =>
  JSON.parse(
    readFileSync(new URL(`../../../../events/orders-api/${name}`, import.meta.url), 'utf8'),
  );

describe('toOrderChangeRecord', () => {
  it('reads an order insert as OrderPlaced with a deterministic event id', () => {
    // Prepare
    const [record] = sample('publisherOrderPlaced.json').Records;

    // Act
    const change = toOrderChangeRecord(record as never);

    // Assess
    expect(change).toMatchObject({ id: record?.dynamodb?.SequenceNumber });
    if (!('event' in change)) throw new Error(`expected an event, got ${JSON.stringify(change)}`);
    expect(orderEventSchema.parse(change.event)).toEqual(change.event);
    expect(change.event).toMatchObject({
      type: 'OrderPlaced',
      eventId: eventIdFor('01JNR8W3D2C6VQ5B2T0Y8M4K1A', 'OrderPlaced'),
      occurredAt: '2026-03-01T10:00:00.000Z',
      customer: { id: 'cust-7f3a9c', email: 'ada@example.com' },
    });
    // Table attributes stay in the table.
    expect(change.event.order).not.toHaveProperty('pk');
    expect(change.event.order).not.toHaveProperty('customerEmail');
  });

  it('reads PLACED -> CANCELLED as OrderCancelled', () => {
    const [record] = sample('publisherOrderCancelled.json').Records;
    const change = toOrderChangeRecord(record as never);
    if (!('event' in change)) throw new Error('expected an event');
    expect(change.event).toMatchObject({
      type: 'OrderCancelled',
      eventId: eventIdFor('01JNR8W3D2C6VQ5B2T0Y8M4K1A', 'OrderCancelled'),
      occurredAt: '2026-03-01T10:05:00.000Z',
      order: { status: 'CANCELLED' },
    });
  });

  it('names what is wrong with an invalid order item and keeps the record', () => {
    const records = sample('publisherBatchWithBadRecord.json').Records;
    const changes = records.map((r) => toOrderChangeRecord(r as never));
    expect(changes.map((c) => Object.keys(c).sort().join(','))).toEqual([
      'event,id',
      'id,invalid,record',
      'event,id',
      'event,id',
    ]);
    const bad = changes[1] as { invalid: string; record: unknown };
    expect(bad.invalid).toMatch(/total/);
    expect(bad.record).toBe(records[1]);
  });

  it('quarantines an order whose id is not one of this service (SQS would refuse the group)', () => {
    // Prepare: another writer's item; the contract alone takes any 1-64 characters.
    const [insert] = sample('publisherOrderPlaced.json').Records;
    const image = insert?.dynamodb?.NewImage ?? {};
    const foreign = {
      ...insert,
      dynamodb: { ...insert?.dynamodb, NewImage: { ...image, orderId: { S: 'order id/é' } } },
    };

    // Act
    const change = toOrderChangeRecord(foreign as never);

    // Assess
    expect(change).toEqual({
      id: insert?.dynamodb?.SequenceNumber,
      invalid: 'order.orderId: not an order id of this service',
      record: foreign,
    });
  });

  it('ignores changes that are no event: other entities, removals, other updates', () => {
    const [insert] = sample('publisherOrderPlaced.json').Records;
    const [modify] = sample('publisherOrderCancelled.json').Records;
    const image = insert?.dynamodb?.NewImage ?? {};
    const notAnOrder = { ...insert, dynamodb: { NewImage: { ...image, entity: { S: 'Other' } } } };
    const removal = { ...insert, eventName: 'REMOVE', dynamodb: { OldImage: image } };
    const noteEdit = {
      ...modify,
      dynamodb: { OldImage: image, NewImage: { ...image, note: { S: 'changed' } } },
    };
    for (const record of [notAnOrder, removal, noteEdit]) {
      expect(toOrderChangeRecord(record as never)).toEqual({
        id: expect.any(String),
        ignored: true,
      });
    }
  });
});
