import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { memoryLog } from '../../src/dev/log.js';
import { ensureBucket } from '../../src/resources.js';
import { uniqueName, useBackends } from '../../src/testing.js';
import { QueueS3ChangeFeed } from '../../src/triggers/s3/s3ChangeFeeds.js';
import type { S3ObjectChange } from '../../src/triggers/s3/s3Events.js';
import { createSequencer } from '../../src/triggers/s3/s3Events.js';

const { backends, clients } = useBackends();
afterAll(() => clients.destroy());

// The queue-fed S3 change feed is what the runner uses on moto, LocalStack or AWS, whose
// buckets and queues outlive the runner. The embedded backends die with the runner (their
// state is in memory, and their S3 events are heard in-process), so there is nothing to
// deliver after a restart there: this runs on an external endpoint only.
describe('S3 change feed through a notification queue', () => {
  it.skipIf(backends.mode === 'embedded')(
    'delivers the changes made while the runner was stopped after a restart, once',
    async () => {
      // Prepare
      const bucket = uniqueName('restart');
      const queueName = uniqueName('s3-events');
      await ensureBucket(clients, bucket);
      const seen: S3ObjectChange[] = [];
      const feed = () =>
        new QueueS3ChangeFeed(clients, [bucket], queueName, createSequencer(), memoryLog());
      const put = (key: string) =>
        clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
      const first = feed();
      await first.start(async (change) => {
        seen.push(change);
      });
      await put('uploads/p-1/before.jpg');
      await vi.waitFor(() => expect(seen).toHaveLength(1), { timeout: 15_000, interval: 100 });
      await first.stop();

      // Act
      for (const key of ['a', 'b', 'c', 'd', 'e']) await put(`uploads/p-1/${key}.jpg`);
      const second = feed();
      await second.start(async (change) => {
        seen.push(change);
      });
      await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(6), {
        timeout: 15_000,
        interval: 100,
      });
      // One more upload after the restart proves the feed is live and marks the end.
      await put('uploads/p-1/after.jpg');
      await vi.waitFor(() => expect(seen.map((c) => c.key)).toContain('uploads/p-1/after.jpg'), {
        timeout: 15_000,
        interval: 100,
      });
      await second.stop();

      // Assess (a standard queue does not promise order; each change exactly once)
      expect(seen.map((change) => `${change.api} ${change.key}`).sort()).toEqual([
        'Put uploads/p-1/a.jpg',
        'Put uploads/p-1/after.jpg',
        'Put uploads/p-1/b.jpg',
        'Put uploads/p-1/before.jpg',
        'Put uploads/p-1/c.jpg',
        'Put uploads/p-1/d.jpg',
        'Put uploads/p-1/e.jpg',
      ]);
    },
  );
});
