import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { captureOutput } from '@shop/testing/capturedOutput';
import { SAMPLE_JPEG_LANDSCAPE } from '@shop/testing/images';
import { lambdaContext } from '@shop/testing/lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pngBombHeader, textFile } from '../support/fixtures.js';
import { thumbnailsHandler } from '../support/handler.js';
import { s3Event } from '../support/s3Events.js';

// The app layer with the S3 adapter over a mocked S3 and real sharp on small images: what
// ThumbnailsFunction sends to S3, logs and counts for each kind of record.

const UPLOADS = 'shop-uploads';
const THUMBS = 'shop-thumbnails';
const context = () => lambdaContext({ functionName: 'shop-ThumbnailsFunction', timeoutMs: 60_000 });
const s3 = mockClient(S3Client);
// Unit test files share one module graph per worker: put the clients' send back after this file.
afterAll(() => {
  s3.restore();
});
/** A 160x120 JPEG. */
const photo = SAMPLE_JPEG_LANDSCAPE;
let handler: ReturnType<typeof thumbnailsHandler>;

const notFound = () => new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } });
const noSuchKey = () =>
  new S3ServiceException({
    name: 'NoSuchKey',
    $fault: 'client',
    $metadata: { httpStatusCode: 404 },
    message: 'The specified key does not exist.',
  });
const body = (bytes: Uint8Array) =>
  ({ transformToByteArray: async () => bytes }) as unknown as GetObjectCommandOutput['Body'];
/** The ETag the mocked uploads bucket gives `bytes`. */
const etagOf = (bytes: Uint8Array) => `etag-${bytes.byteLength}`;

/** An uploads bucket holding `objects` (key -> bytes, ETag = etagOf) and no thumbnails yet. */
const givenUploads = (objects: Record<string, Uint8Array>) => {
  for (const [key, bytes] of Object.entries(objects)) {
    s3.on(HeadObjectCommand, { Bucket: UPLOADS, Key: key }).resolves({
      ETag: `"${etagOf(bytes)}"`,
      ContentLength: bytes.byteLength,
    });
    s3.on(GetObjectCommand, { Bucket: UPLOADS, Key: key }).resolves({
      ETag: `"${etagOf(bytes)}"`,
      Body: body(bytes),
    });
  }
  // The upload events of these objects, naming the versions stored (as S3's do).
  return (key: keyof typeof objects & string) => ({
    bucket: UPLOADS,
    key,
    eTag: etagOf(objects[key] as Uint8Array),
  });
};

/** The outcome document last PUT at `key` in the thumbnails bucket, parsed. */
const outcomeWritten = (key: string) =>
  JSON.parse(
    String(
      s3.commandCalls(PutObjectCommand).findLast((call) => call.args[0].input.Key === key)?.args[0]
        .input.Body,
    ),
  );

let stdout: ReturnType<typeof captureOutput>;
/** The thumbnails bucket: key -> the object's user metadata. */
const thumbnailKeys = new Map<string, Record<string, string> | undefined>();
beforeEach(() => {
  handler = thumbnailsHandler({
    THUMBNAILS_BUCKET: THUMBS,
    THUMBNAIL_WIDTHS: '128,512,1024',
    CACHE_CONTROL: 'public, max-age=600',
    MAX_SOURCE_BYTES: '1000000',
  });
  s3.reset();
  // The thumbnails bucket remembers what was put and deleted: a run checks that its
  // thumbnails still exist after its outcome.
  thumbnailKeys.clear();
  s3.on(HeadObjectCommand, { Bucket: THUMBS }).callsFake((input: { Key: string }) => {
    if (thumbnailKeys.has(input.Key)) {
      return { ETag: '"thumbnail"', ContentLength: 1, Metadata: thumbnailKeys.get(input.Key) };
    }
    throw notFound();
  });
  s3.on(GetObjectCommand, { Bucket: THUMBS }).rejects(noSuchKey());
  s3.on(PutObjectCommand).callsFake(
    (input: { Bucket: string; Key: string; Metadata?: Record<string, string> }) => {
      if (input.Bucket === THUMBS) thumbnailKeys.set(input.Key, input.Metadata);
      return {};
    },
  );
  s3.on(DeleteObjectsCommand).callsFake((input: { Delete: { Objects: { Key: string }[] } }) => {
    for (const { Key } of input.Delete.Objects) thumbnailKeys.delete(Key);
    return {};
  });
  stdout = captureOutput();
});
afterEach(() => {
  stdout.restore();
  vi.unstubAllEnvs();
});

describe('s3Event handler', () => {
  it('writes three WebP thumbnails with content type, cache control and source ETag', async () => {
    // Prepare
    const uploaded = givenUploads({ 'uploads/p-1/front view.jpg': photo });

    // Act
    await handler(s3Event(uploaded('uploads/p-1/front view.jpg')), context());

    // Assess
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 4);
    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts.at(-1)).toMatchObject({
      Bucket: THUMBS,
      Key: 'p-1/front view.jpg/outcome.json',
      ContentType: 'application/json',
    });
    expect(JSON.parse(String(puts.at(-1)?.Body))).toMatchObject({
      status: 'generated',
      source: { key: 'uploads/p-1/front view.jpg', eTag: `etag-${photo.byteLength}` },
      thumbnails: [
        // 160x120: never enlarged, only the 128 box is smaller than the source.
        { key: 'p-1/front view.jpg/1024.webp', width: 160, height: 120 },
        { key: 'p-1/front view.jpg/512.webp', width: 160, height: 120 },
        { key: 'p-1/front view.jpg/128.webp', width: 128, height: 96 },
      ],
    });
    for (const width of [128, 512, 1024]) {
      expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
        Bucket: THUMBS,
        Key: `p-1/front view.jpg/${width}.webp`,
        ContentType: 'image/webp',
        CacheControl: 'public, max-age=600',
        Metadata: expect.objectContaining({ 'source-etag': `etag-${photo.byteLength}` }),
      });
    }
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
      IfMatch: `"etag-${photo.byteLength}"`,
    });
    const created = stdout.metrics().filter((line) => 'ThumbnailsCreated' in line);
    expect(created).toEqual([
      expect.objectContaining({ ThumbnailsCreated: 3, service: 'thumbnails' }),
    ]);
  });

  it('skips bad records with one log line each and still processes the good one', async () => {
    // Prepare
    const bad = {
      'uploads/p-1/notes.jpg': textFile(),
      'uploads/p-1/bomb.png': pngBombHeader(),
    };
    const uploaded = givenUploads({ ...bad, 'uploads/p-1/good.jpg': photo });
    const event = s3Event(
      uploaded('uploads/p-1/notes.jpg'),
      uploaded('uploads/p-1/bomb.png'),
      uploaded('uploads/p-1/good.jpg'),
    );

    // Act
    await handler(event, context());

    // Assess
    const skips = stdout.logs().filter((line) => line.message === 'thumbnails skipped');
    expect(skips.map(({ key, reason }) => [key, reason])).toEqual([
      ['uploads/p-1/notes.jpg', 'not-an-image'],
      ['uploads/p-1/bomb.png', 'too-many-pixels'],
    ]);
    expect(skips.every((line) => line.level === 'WARN')).toBe(true);
    // 3 thumbnails + 1 outcome for the good one, 1 skipped outcome for each bad one.
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 6);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Key: 'p-1/good.jpg/1024.webp' });
    const outcome = (key: string) =>
      JSON.parse(
        String(
          s3.commandCalls(PutObjectCommand).find((call) => call.args[0].input.Key === key)?.args[0]
            .input.Body,
        ),
      );
    expect(outcome('p-1/notes.jpg/outcome.json')).toMatchObject({
      status: 'skipped',
      reason: 'not-an-image',
      thumbnails: [],
    });
    expect(outcome('p-1/bomb.png/outcome.json')).toMatchObject({
      status: 'skipped',
      reason: 'too-many-pixels',
    });
    const skipped = stdout.metrics().filter((line) => line.ThumbnailsSkipped === 1);
    expect(skipped.map((line) => line.reason)).toEqual(['not-an-image', 'too-many-pixels']);
  });

  it('checks the size with HEAD and never downloads an object over the byte limit', async () => {
    // Prepare
    s3.on(HeadObjectCommand, { Bucket: UPLOADS }).resolves({
      ETag: '"big"',
      ContentLength: 2_000_000,
    });

    // Act
    await handler(
      s3Event({ bucket: UPLOADS, key: 'uploads/p-1/huge.jpg', eTag: 'big' }),
      context(),
    );

    // Assess
    expect(s3).not.toHaveReceivedCommandWith(GetObjectCommand, { Bucket: UPLOADS });
    const [skip] = stdout.logs().filter((line) => line.message === 'thumbnails skipped');
    expect(skip).toMatchObject({ reason: 'too-many-bytes', sourceBytes: 2_000_000 });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Key: 'p-1/huge.jpg/outcome.json' });
  });

  it('acts on the version stored when the record names none (no eTag)', async () => {
    // Prepare: a record without an eTag, like the sample events of events/thumbnails/.
    givenUploads({ 'uploads/p-1/a.jpg': photo });

    // Act
    await handler(s3Event({ bucket: UPLOADS, key: 'uploads/p-1/a.jpg', eTag: null }), context());

    // Assess
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { IfMatch: `"${etagOf(photo)}"` });
    expect(outcomeWritten('p-1/a.jpg/outcome.json')).toMatchObject({
      status: 'generated',
      source: { eTag: etagOf(photo) },
    });
  });

  it('writes nothing for an event naming a version that is no longer stored', async () => {
    // Prepare: the event is about an upload that was overwritten since.
    givenUploads({ 'uploads/p-1/a.jpg': photo });

    // Act
    await handler(
      s3Event({ bucket: UPLOADS, key: 'uploads/p-1/a.jpg', eTag: '"overwritten"' }),
      context(),
    );

    // Assess
    expect(s3).not.toHaveReceivedCommandWith(GetObjectCommand, { Bucket: UPLOADS });
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
    const [skip] = stdout.logs().filter((line) => line.message === 'thumbnails skipped');
    expect(skip).toMatchObject({ reason: 'superseded', etag: etagOf(photo), level: 'INFO' });
  });

  it('skips an archived upload without a GET, and one whose KMS key refuses the GET, each with an outcome', async () => {
    // Prepare
    s3.on(HeadObjectCommand, { Bucket: UPLOADS, Key: 'uploads/p-1/cold.jpg' }).resolves({
      ETag: '"cold"',
      ContentLength: photo.byteLength,
      StorageClass: 'DEEP_ARCHIVE',
    });
    s3.on(HeadObjectCommand, { Bucket: UPLOADS, Key: 'uploads/p-1/kms.jpg' }).resolves({
      ETag: '"kms"',
      ContentLength: photo.byteLength,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k-1',
    });
    s3.on(GetObjectCommand, { Bucket: UPLOADS, Key: 'uploads/p-1/kms.jpg' }).rejects(
      new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'User is not authorized to perform: kms:Decrypt',
      }),
    );
    const event = s3Event(
      { bucket: UPLOADS, key: 'uploads/p-1/cold.jpg', eTag: 'cold' },
      { bucket: UPLOADS, key: 'uploads/p-1/kms.jpg', eTag: 'kms' },
    );

    // Act
    await handler(event, context());

    // Assess: the invocation succeeds; one GET, the KMS one, refused.
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 3); // + the two outcome reads
    expect(s3).not.toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: UPLOADS,
      Key: 'uploads/p-1/cold.jpg',
    });
    const skips = stdout.logs().filter((line) => line.message === 'thumbnails skipped');
    expect(skips.map(({ key, reason, level }) => [key, reason, level])).toEqual([
      ['uploads/p-1/cold.jpg', 'source-unreadable', 'WARN'],
      ['uploads/p-1/kms.jpg', 'source-unreadable', 'WARN'],
    ]);
    expect(outcomeWritten('p-1/cold.jpg/outcome.json')).toMatchObject({
      status: 'skipped',
      reason: 'source-unreadable',
      detail: expect.stringContaining('archived (storage class DEEP_ARCHIVE)'),
      source: { eTag: 'cold' },
      thumbnails: [],
    });
    expect(outcomeWritten('p-1/kms.jpg/outcome.json')).toMatchObject({
      status: 'skipped',
      reason: 'source-unreadable',
      detail: expect.stringContaining('encrypted with SSE-KMS under a KMS key'),
      thumbnails: [],
    });
    // The catalog API serves the detail: no key ARN, so no account id.
    expect(JSON.stringify(outcomeWritten('p-1/kms.jpg/outcome.json'))).not.toContain(
      '123456789012',
    );
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 2);
  });

  it('does not download or write again when the outcome names the same ETag and sequencer', async () => {
    // Prepare
    const uploaded = givenUploads({ 'uploads/p-1/a.jpg': photo });
    const event = s3Event(uploaded('uploads/p-1/a.jpg'));
    const sequencer = event.Records[0]?.s3.object.sequencer;
    const outcome = {
      version: 1,
      status: 'generated',
      source: {
        bucket: UPLOADS,
        key: 'uploads/p-1/a.jpg',
        eTag: `etag-${photo.byteLength}`,
        size: photo.byteLength,
        sequencer,
      },
      thumbnails: [{ key: 'p-1/a.jpg/1024.webp', width: 1024, height: 768, bytes: 10 }],
      writtenAt: '2026-03-14T09:27:00.000Z',
    };
    s3.on(GetObjectCommand, { Bucket: THUMBS, Key: 'p-1/a.jpg/outcome.json' }).resolves({
      Body: { transformToString: async () => JSON.stringify(outcome) },
    } as unknown as GetObjectCommandOutput);
    thumbnailKeys.set('p-1/a.jpg/1024.webp', { 'source-etag': `etag-${photo.byteLength}` });

    // Act
    await handler(event, context());

    // Assess
    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, {
      Bucket: THUMBS,
      Key: 'p-1/a.jpg/1024.webp',
    });
    expect(s3).not.toHaveReceivedCommandWith(GetObjectCommand, { Bucket: UPLOADS });
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
    const [skip] = stdout.logs().filter((line) => line.message === 'thumbnails skipped');
    expect(skip).toMatchObject({ reason: 'unchanged', level: 'INFO' });
  });

  it('deletes exactly the thumbnails of a removed upload that exist, and its outcome if unchanged', async () => {
    // Prepare
    s3.on(HeadObjectCommand, { Bucket: UPLOADS }).rejects(notFound());
    for (const width of [1024, 128]) {
      thumbnailKeys.set(`p-1/é b.jpg/${width}.webp`, { 'source-etag': 'e1' });
    }
    const outcome = {
      version: 1,
      status: 'generated',
      source: { bucket: UPLOADS, key: 'uploads/p-1/é b.jpg', eTag: 'e1', size: 9 },
      thumbnails: [{ key: 'p-1/é b.jpg/1024.webp', width: 1024, height: 768, bytes: 10 }],
      writtenAt: '2026-03-14T09:27:00.000Z',
    };
    s3.on(GetObjectCommand, { Bucket: THUMBS, Key: 'p-1/é b.jpg/outcome.json' }).resolves({
      ETag: '"outcome-1"',
      Body: { transformToString: async () => JSON.stringify(outcome) },
    } as unknown as GetObjectCommandOutput);
    s3.on(DeleteObjectCommand).resolves({});

    // Act
    await handler(
      s3Event({ bucket: UPLOADS, key: 'uploads/p-1/é b.jpg', eventName: 'ObjectRemoved:Delete' }),
      context(),
    );

    // Assess
    expect(s3).toHaveReceivedCommandWith(DeleteObjectsCommand, {
      Bucket: THUMBS,
      Delete: {
        Quiet: true,
        Objects: [{ Key: 'p-1/é b.jpg/1024.webp' }, { Key: 'p-1/é b.jpg/128.webp' }],
      },
    });
    // Only the version it read: an outcome rewritten by a new upload meanwhile stays.
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, {
      Bucket: THUMBS,
      Key: 'p-1/é b.jpg/outcome.json',
      IfMatch: '"outcome-1"',
    });
    const deleted = stdout.metrics().filter((line) => 'ThumbnailsDeleted' in line);
    expect(deleted).toEqual([expect.objectContaining({ ThumbnailsDeleted: 2 })]);
  });

  it('finishes the other records, then fails the invocation when S3 fails', async () => {
    // Prepare
    const uploaded = givenUploads({ 'uploads/p-1/ok.jpg': photo });
    s3.on(HeadObjectCommand, { Bucket: UPLOADS, Key: 'uploads/p-1/down.jpg' }).rejects(
      new S3ServiceException({
        name: 'InternalError',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
        message: 'We encountered an internal error',
      }),
    );
    const event = s3Event(
      { bucket: UPLOADS, key: 'uploads/p-1/down.jpg', eTag: 'e-down' },
      uploaded('uploads/p-1/ok.jpg'),
    );

    // Act
    const attempt = handler(event, context());

    // Assess
    await expect(attempt).rejects.toThrow(
      '1 of 2 record(s) failed; the invocation will be retried (first: We encountered an internal error)',
    );
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 4);
    expect(stdout.logs().some((line) => line.message === 'record failed')).toBe(true);
  });
  it('logs every line with the S3 request id and each record with its own key and sequencer', async () => {
    // Prepare
    const uploaded = givenUploads({
      'uploads/p-1/notes.jpg': textFile(),
      'uploads/p-1/good.jpg': photo,
    });
    const event = s3Event(uploaded('uploads/p-1/notes.jpg'), uploaded('uploads/p-1/good.jpg'));
    const sequencers = event.Records.map((record) => record.s3.object.sequencer);

    // Act
    await handler(event, context());

    // Assess
    const lines = stdout.logs();
    expect(lines.map((line) => line.correlation_id)).toEqual(lines.map(() => 'C3D13FE58DE4C810'));
    const skipped = lines.find((line) => line.message === 'thumbnails skipped');
    const created = lines.find((line) => line.message === 'thumbnails created');
    expect(skipped).toMatchObject({
      key: 'uploads/p-1/notes.jpg',
      sequencer: sequencers[0],
      bucket: UPLOADS,
      eventName: 'ObjectCreated:Put',
    });
    expect(created).toMatchObject({ key: 'uploads/p-1/good.jpg', sequencer: sequencers[1] });
    expect(created).toMatchObject({ function_name: 'shop-ThumbnailsFunction' });
  });

  it("clears one record's log keys before the next record", async () => {
    // Prepare: a record that is not an S3 notification record follows a real one
    const uploaded = givenUploads({ 'uploads/p-1/good.jpg': photo });
    const event = s3Event(uploaded('uploads/p-1/good.jpg'));
    const records = [...event.Records, { eventName: 'ObjectCreated:Put' }];

    // Act
    await handler({ Records: records } as typeof event, context());

    // Assess
    const ignored = stdout.logs().find((line) => line.message === 'record ignored');
    expect(ignored).toMatchObject({
      problem: 'not an S3 notification record',
      eventName: 'unknown',
    });
    expect(ignored).not.toHaveProperty('key');
    expect(ignored).not.toHaveProperty('sequencer');
  });
});
