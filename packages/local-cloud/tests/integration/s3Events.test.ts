import { CopyObjectCommand, DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { startBackends } from '../../src/backends/startBackends.js';
import type { S3BackendEvent } from '../../src/backends/types.js';
import { backendClients } from '../../src/clients.js';
import { ensureBucket } from '../../src/resources.js';
import { uniqueName } from '../../src/testing.js';

// The embedded backends' in-process S3 events, which the runner turns into notifications.
// (Own backends: the shared ones may be moto, which has no such events.)
const backends = await startBackends();
const clients = backendClients(backends);
afterAll(async () => {
  clients.destroy();
  await backends.stop();
});

describe('embedded S3 events', () => {
  it('reports uploads with their size and ETag as written, copies and deletes, in order', async () => {
    // Prepare
    const bucket = uniqueName('events');
    await ensureBucket(clients, bucket);
    const seen: S3BackendEvent[] = [];
    const unsubscribe = backends.watchS3?.((event) => seen.push(event));

    // Act
    await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'hello' }));
    await clients.s3.send(
      new CopyObjectCommand({ Bucket: bucket, Key: 'b.txt', CopySource: `${bucket}/a.txt` }),
    );
    await clients.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'a.txt' }));
    unsubscribe?.();

    // Assess
    expect(seen.filter((e) => e.bucket === bucket)).toEqual([
      {
        bucket,
        key: 'a.txt',
        status: 'uploaded',
        size: 5,
        eTag: '5d41402abc4b2a76b9719d911017c592',
      },
      {
        bucket,
        key: 'b.txt',
        status: 'uploaded',
        size: 5,
        eTag: '5d41402abc4b2a76b9719d911017c592',
      },
      { bucket, key: 'b.txt', status: 'copied' },
      { bucket, key: 'a.txt', status: 'deleted' },
    ]);
  });
});
