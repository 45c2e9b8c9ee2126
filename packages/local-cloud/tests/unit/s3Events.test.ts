import { describe, expect, it } from 'vitest';
import type { BucketNotification } from '../../src/provision/model.js';
import {
  createSequencer,
  notificationMatches,
  type S3ObjectChange,
  s3EventBridgeEvent,
  s3NotificationRecord,
} from '../../src/triggers/s3/s3Events.js';

const context = { region: 'eu-west-1', accountId: '000000000000' };
const put: S3ObjectChange = {
  bucket: 'uploads',
  key: 'uploads/p1/summer sale +1 é.jpg',
  api: 'Put',
  size: 1022,
  eTag: 'c5eb3445ca5a7b02f7d43652052bab80',
  sequencer: '0001A204BB4D440000',
  time: new Date('2026-01-02T03:04:05.678Z'),
};
const removal: S3ObjectChange = { ...put, api: 'Delete', size: undefined, eTag: undefined };

const notification = (
  events: string[],
  filter: BucketNotification['filter'] = {},
): BucketNotification => ({
  id: 'cfg',
  events,
  filter,
  target: { kind: 'function', functionId: 'Fn' },
});

describe('s3NotificationRecord', () => {
  it('builds the eventVersion 2.1 record with a URL-encoded key, size, eTag and sequencer', () => {
    // Act
    const record = s3NotificationRecord(put, 'cfg', context);

    // Assess
    expect(record).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'eu-west-1',
      eventTime: '2026-01-02T03:04:05.678Z',
      eventName: 'ObjectCreated:Put',
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'cfg',
        bucket: { name: 'uploads', arn: 'arn:aws:s3:::uploads' },
        object: {
          key: 'uploads/p1/summer+sale+%2B1+%C3%A9.jpg',
          size: 1022,
          eTag: 'c5eb3445ca5a7b02f7d43652052bab80',
          sequencer: '0001A204BB4D440000',
        },
      },
    });
  });

  it('leaves size and eTag out of removals', () => {
    // Act
    const record = s3NotificationRecord(removal, 'cfg', context) as {
      eventName: string;
      s3: { object: object };
    };

    // Assess
    expect(record.eventName).toBe('ObjectRemoved:Delete');
    expect(record.s3.object).toEqual({
      key: 'uploads/p1/summer+sale+%2B1+%C3%A9.jpg',
      sequencer: '0001A204BB4D440000',
    });
  });
});

describe('s3EventBridgeEvent', () => {
  it('builds "Object Created" and "Object Deleted" events as S3 sends them to EventBridge', () => {
    // Act
    const created = s3EventBridgeEvent(put, context);
    const deleted = s3EventBridgeEvent(removal, context);

    // Assess
    expect(created).toMatchObject({
      version: '0',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: '000000000000',
      time: '2026-01-02T03:04:05Z',
      region: 'eu-west-1',
      resources: ['arn:aws:s3:::uploads'],
      detail: {
        version: '0',
        bucket: { name: 'uploads' },
        object: {
          key: 'uploads/p1/summer+sale+%2B1+%C3%A9.jpg',
          size: 1022,
          etag: put.eTag,
          sequencer: put.sequencer,
        },
        reason: 'PutObject',
      },
    });
    expect(deleted).toMatchObject({
      'detail-type': 'Object Deleted',
      detail: { reason: 'DeleteObject', 'deletion-type': 'Permanently Deleted' },
    });
    expect((deleted.detail as { object: object }).object).not.toHaveProperty('size');
  });
});

describe('notificationMatches', () => {
  it.each([
    [['s3:ObjectCreated:*'], {}, put, true],
    [['s3:ObjectCreated:Put'], {}, put, true],
    [['s3:ObjectCreated:Copy'], {}, put, false],
    [['s3:ObjectRemoved:*'], {}, put, false],
    [['s3:ObjectRemoved:*'], {}, removal, true],
    [['s3:ObjectCreated:*'], { prefix: 'uploads/' }, put, true],
    [['s3:ObjectCreated:*'], { prefix: 'thumbs/' }, put, false],
    [['s3:ObjectCreated:*'], { suffix: '.jpg' }, put, true],
    [['s3:ObjectCreated:*'], { prefix: 'uploads/p1/summer+sale' }, put, true],
  ])('%j with filter %j', (events, filter, change, expected) => {
    // Act / Assess
    expect(notificationMatches(notification(events, filter), change)).toBe(expected);
  });
});

describe('createSequencer', () => {
  it('makes fixed-width hex sequencers that always increase', () => {
    // Prepare
    const next = createSequencer();

    // Act
    const values = Array.from({ length: 1000 }, next);

    // Assess
    expect(values.every((v) => /^[0-9A-F]{18}$/.test(v))).toBe(true);
    expect(values.every((v, i) => i === 0 || v > (values[i - 1] as string))).toBe(true);
  });
});
