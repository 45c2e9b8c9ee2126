import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { startBackends } from '../../src/backends/startBackends.js';
import type { S3BackendEvent } from '../../src/backends/types.js';
import { backendClients } from '../../src/clients.js';
import { ensureBucket } from '../../src/resources.js';
import { uniqueName } from '../../src/testing.js';

// The embedded backends' S3 events (read off the requests by the proxy in front of fauxqs),
// which the runner turns into notifications. (Own backends: the shared ones may be moto.)
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
        status: 'copied',
        size: 5,
        eTag: '5d41402abc4b2a76b9719d911017c592',
      },
      { bucket, key: 'a.txt', status: 'deleted' },
    ]);
  });

  it('reports multipart uploads, batch deletes and odd keys, and nothing for failed writes', async () => {
    // Prepare
    const bucket = uniqueName('events');
    await ensureBucket(clients, bucket);
    const seen: S3BackendEvent[] = [];
    const unsubscribe = backends.watchS3?.((event) => seen.push(event));
    const odd = 'dir/ä ö+&<x>.txt';

    // Act
    const { UploadId } = await clients.s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'big.bin' }),
    );
    const part = await clients.s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: 'big.bin',
        UploadId,
        PartNumber: 1,
        Body: Buffer.alloc(1024, 1),
      }),
    );
    await clients.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'big.bin',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: odd, Body: '' }));
    await expect(
      clients.s3.send(
        new PutObjectCommand({ Bucket: uniqueName('no-such-bucket'), Key: 'x', Body: 'x' }),
      ),
    ).rejects.toThrow();
    await clients.s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: [{ Key: 'big.bin' }, { Key: odd }] },
      }),
    );
    unsubscribe?.();

    // Assess
    expect(seen.filter((e) => e.bucket === bucket)).toEqual([
      {
        bucket,
        key: 'big.bin',
        status: 'uploaded',
        size: 1024,
        eTag: expect.stringMatching(/-1$/),
      },
      { bucket, key: odd, status: 'uploaded', size: 0, eTag: 'd41d8cd98f00b204e9800998ecf8427e' },
      { bucket, key: 'big.bin', status: 'deleted' },
      { bucket, key: odd, status: 'deleted' },
    ]);
    expect(seen.filter((e) => e.bucket !== bucket && e.key === 'x')).toEqual([]);
  });
});
