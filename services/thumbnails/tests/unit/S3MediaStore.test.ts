import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3MediaStore } from '../../src/adapters/S3MediaStore.js';
import { SourceUnreadableError } from '../../src/domain/errors.js';

// S3MediaStore's reading of the uploads bucket over a mocked S3: what it takes from a HEAD
// and how it reports S3 refusing an object. The rest runs against S3 (tests/integration).

const UPLOADS = 'shop-uploads';
const KEY = 'uploads/p-1/a.jpg';
// A client of its own, so only this file's calls are mocked.
const client = new S3Client({ region: 'us-east-1' });
const s3 = mockClient(client);
const store = new S3MediaStore(client, { thumbnailsBucket: 'shop-thumbnails', cacheControl: '' });

const s3Error = (name: string, status: number, message = name) =>
  new S3ServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
    message,
  });

beforeEach(() => s3.reset());

describe('S3MediaStore.head', () => {
  it('maps storage class, archive tier, restore and encryption from the HEAD', async () => {
    // Prepare
    s3.on(HeadObjectCommand, { Bucket: UPLOADS, Key: KEY }).resolves({
      ETag: '"9b2cf535f27731c974343645a3985328"',
      ContentLength: 482113,
      StorageClass: 'INTELLIGENT_TIERING',
      ArchiveStatus: 'DEEP_ARCHIVE_ACCESS',
      Restore: 'ongoing-request="true"',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k-1',
      SSECustomerAlgorithm: 'AES256',
    });

    // Act
    const head = await store.head(UPLOADS, KEY);

    // Assess
    expect(head).toEqual({
      etag: '9b2cf535f27731c974343645a3985328',
      size: 482113,
      storageClass: 'INTELLIGENT_TIERING',
      archiveStatus: 'DEEP_ARCHIVE_ACCESS',
      restore: 'ongoing-request="true"',
      serverSideEncryption: 'aws:kms',
      sseCustomerAlgorithm: 'AES256',
    });
  });

  it('leaves out what the HEAD does not send (STANDARD has no storage class header)', async () => {
    // Prepare
    s3.on(HeadObjectCommand).resolves({ ETag: '"e1"', ContentLength: 9 });

    // Act
    const head = await store.head(UPLOADS, KEY);

    // Assess
    expect(head).toEqual({ etag: 'e1', size: 9 });
  });

  it('takes an object whose HEAD S3 refuses with 400 but the listing shows for SSE-C', async () => {
    // Prepare: S3 answers the HEAD of an SSE-C object without its key with 400.
    s3.on(HeadObjectCommand).rejects(s3Error('BadRequest', 400));
    s3.on(ListObjectsV2Command, { Bucket: UPLOADS, Prefix: KEY, MaxKeys: 1 }).resolves({
      Contents: [{ Key: KEY, ETag: '"e2"', Size: 12, StorageClass: 'STANDARD' }],
    });

    // Act
    const head = await store.head(UPLOADS, KEY);

    // Assess
    expect(head).toEqual({
      etag: 'e2',
      size: 12,
      storageClass: 'STANDARD',
      sseCustomerAlgorithm: 'AES256',
    });
  });

  it('lets a 400 through when the listing does not show the object', async () => {
    // Prepare: only a longer key under the same prefix.
    s3.on(HeadObjectCommand).rejects(s3Error('BadRequest', 400));
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${KEY}/b.jpg`, ETag: '"e3"' }] });

    // Act
    const attempt = store.head(UPLOADS, KEY);

    // Assess
    await expect(attempt).rejects.toThrow('BadRequest');
  });
});

describe('S3MediaStore.read', () => {
  it.each([
    ['InvalidObjectState', 'archived'],
    ['AccessDenied', 'access-denied'],
  ])('reports a GET refused with 403 %s as unreadable (%s)', async (name, refusal) => {
    // Prepare
    s3.on(GetObjectCommand).rejects(s3Error(name, 403, 'refused'));

    // Act
    const error = await store.read(UPLOADS, KEY, 'e1').catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(SourceUnreadableError);
    expect(error).toMatchObject({ refusal, message: `GetObject: ${name}: refused` });
  });
});
