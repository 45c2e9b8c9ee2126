import { readFileSync } from 'node:fs';
import { sqsRecord } from '@shop/testing/sqsEvents';
import type { SQSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIndexMessage } from '../../src/app/indexMessage.js';
import { MalformedEventError } from '../../src/domain/errors.js';
import { normaliseSequencer } from '../../src/domain/sequencer.js';
import { s3Event } from '../support/events.js';

const BUCKET = 'shop-uploads-123456789012-eu-west-1';
const BUCKETS = {
  uploadsBucket: BUCKET,
  thumbnailsBucket: 'shop-thumbnails-123456789012-eu-west-1',
};
const fixture = (name: string): SQSEvent =>
  JSON.parse(readFileSync(new URL(`../../../../events/indexer/${name}`, import.meta.url), 'utf8'));

const created = (overrides: Partial<Parameters<typeof s3Event>[0]> = {}) =>
  s3Event({
    type: 'Object Created',
    bucket: BUCKET,
    key: 'uploads/p1/a.jpg',
    sequencer: '617f08299329d189',
    etag: 'b1946ac92492d2347c6235b4d2611184',
    size: 5,
    ...overrides,
  });

describe('parseIndexMessage', () => {
  it('reads the Object Created sample event', () => {
    // Prepare
    const [record] = fixture('object-created.json').Records;

    // Act
    const change = parseIndexMessage(record, BUCKETS);

    // Assess
    expect(change).toEqual({
      kind: 'created',
      eventId: '3f9a2c71-5d4e-4b8a-9c1f-2e6d7a8b9c0d',
      bucket: BUCKET,
      key: 'uploads/prod-1042/front view.jpg',
      sequencer: normaliseSequencer('0069B528ED2C7A41F3'),
      eTag: '9b2cf535f27731c974343645a3985328',
      eventTime: '2026-03-14T09:26:53Z',
    });
  });

  it('reads the thumbnailer outcome sample event as an outcome change', () => {
    // Prepare
    const [record] = fixture('thumbnails-outcome.json').Records;

    // Act
    const change = parseIndexMessage(record, BUCKETS);

    // Assess
    expect(change).toEqual({
      kind: 'outcome',
      eventId: '8c2e5f1a-7b3d-4c9e-a1f0-6d5b4a3c2e1f',
      bucket: BUCKETS.thumbnailsBucket,
      key: 'prod-1042/front view.jpg/outcome.json',
      sequencer: normaliseSequencer('0069B528EF81D3A2B7'),
      eTag: '5d41402abc4b2a76b9719d911017c592',
      eventTime: '2026-03-14T09:26:55Z',
    });
  });

  it('rejects thumbnails bucket events that are not an outcome being written', () => {
    const thumbnail = created({ bucket: BUCKETS.thumbnailsBucket, key: 'p1/a.jpg/128.webp' });
    const deletion = s3Event({
      type: 'Object Deleted',
      bucket: BUCKETS.thumbnailsBucket,
      key: 'p1/a.jpg/outcome.json',
      sequencer: '0A',
    });
    for (const event of [thumbnail, deletion]) {
      expect(() => parseIndexMessage(sqsRecord(event), BUCKETS)).toThrow(MalformedEventError);
    }
  });

  it('reads the Object Deleted sample event', () => {
    const [record] = fixture('object-deleted.json').Records;
    const change = parseIndexMessage(record, BUCKETS);
    expect(change).toMatchObject({ kind: 'deleted', key: 'uploads/prod-1042/front view.jpg' });
    expect(change).not.toHaveProperty('eTag');
  });

  it('reads both records of the out-of-order sample, the delete carrying the newer sequencer', () => {
    // Act
    const [first, second] = fixture('out-of-order.json').Records.map((record) =>
      parseIndexMessage(record, BUCKETS),
    );

    // Assess
    expect(first).toMatchObject({ kind: 'deleted', key: 'uploads/prod-1042/side édition.png' });
    expect(second).toMatchObject({ kind: 'created', key: 'uploads/prod-1042/side édition.png' });
    expect((first?.sequencer ?? '') > (second?.sequencer ?? '')).toBe(true);
  });

  it('accepts raw keys and IPv6 source addresses', () => {
    // Prepare
    const event = created({ key: 'uploads/p1/front view é.jpg' });
    event.detail['source-ip-address'] = '2001:db8::1';

    // Act
    const change = parseIndexMessage(sqsRecord(event), BUCKETS);

    // Assess
    expect(change.key).toBe('uploads/p1/front view é.jpg');
  });

  it.each([
    [
      'a body that is not JSON',
      () => sqsRecord('not json'),
      /^body: Invalid JSON - Unexpected token/,
    ],
    [
      'an event of another source',
      () => sqsRecord({ ...created(), source: 'aws.ec2' }),
      'body.source: Invalid input: expected "aws.s3"',
    ],
    [
      'another detail-type',
      () => sqsRecord({ ...created(), 'detail-type': 'Object Restore Completed' }),
      'body.detail-type: Invalid option: expected one of "Object Created"|"Object Deleted"',
    ],
    [
      'no sequencer',
      () => sqsRecord(created({ sequencer: '' })),
      'body.detail.object.sequencer: Too small: expected string to have >=1 characters',
    ],
    [
      'a sequencer that is not hex',
      () => sqsRecord(created({ sequencer: 'not-hex' })),
      'sequencer "not-hex" is not hexadecimal',
    ],
    [
      'another bucket',
      () => sqsRecord(created({ bucket: 'someone-elses-bucket' })),
      'event is for bucket "someone-elses-bucket", not the uploads bucket',
    ],
    [
      'no SQS envelope',
      () => ({ body: JSON.stringify(created()) }),
      /^messageId: Invalid input: expected string, received undefined; receiptHandle: /,
    ],
  ])('rejects a message with %s as malformed, saying why', (_label, build, reason) => {
    expect(() => parseIndexMessage(build(), BUCKETS)).toThrow(MalformedEventError);
    expect(() => parseIndexMessage(build(), BUCKETS)).toThrow(reason);
  });

  it('reports any other body only ever as malformed', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue()), (body) => {
        // Act
        let thrown: unknown;
        try {
          parseIndexMessage(
            sqsRecord(typeof body === 'string' ? body : JSON.stringify(body)),
            BUCKETS,
          );
        } catch (error) {
          thrown = error;
        }

        // Assess
        expect(thrown).toBeInstanceOf(MalformedEventError);
      }),
    );
  });
});
