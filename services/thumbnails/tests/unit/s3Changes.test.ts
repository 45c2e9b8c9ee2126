import { encodeS3EventKey } from '@shop/contracts/mediaKeys';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseS3Event } from '../../src/app/s3Changes.js';
import { s3Event } from '../support/s3Events.js';

describe('parseS3Event', () => {
  it('decodes keys the way S3 encodes them: + is a space, %2B a plus, UTF-8 escapes', () => {
    // Prepare
    const event = {
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          s3: {
            bucket: { name: 'uploads' },
            object: { key: 'uploads/p-1/summer+sale+%2B1+caf%C3%A9+%E5%95%86%E5%93%81.jpg' },
          },
        },
      ],
    };

    // Act
    const changes = parseS3Event(event);

    // Assess
    expect(changes).toEqual([
      {
        action: 'created',
        eventName: 'ObjectCreated:Put',
        bucket: 'uploads',
        key: 'uploads/p-1/summer sale +1 café 商品.jpg',
      },
    ]);
  });

  it('keeps the version the event names (eTag, unquoted) and its sequencer', () => {
    // Prepare
    const record = (eTag: string) => ({
      eventName: 'ObjectCreated:Put',
      s3: {
        bucket: { name: 'uploads' },
        object: { key: 'uploads/p-1/a.jpg', eTag, sequencer: '0055AED6DCD90281E5' },
      },
    });

    // Act
    const changes = parseS3Event({ Records: [record('d41d8cd98f00'), record('"abc-2"')] });

    // Assess
    expect(changes).toEqual([
      expect.objectContaining({ eTag: 'd41d8cd98f00', sequencer: '0055AED6DCD90281E5' }),
      expect.objectContaining({ eTag: 'abc-2' }),
    ]);
  });

  it('routes every ObjectCreated and ObjectRemoved variant', () => {
    // Prepare
    const names = [
      'ObjectCreated:Put',
      'ObjectCreated:CompleteMultipartUpload',
      'ObjectCreated:Copy',
      'ObjectRemoved:Delete',
      'ObjectRemoved:DeleteMarkerCreated',
    ] as const;
    const event = s3Event(
      ...names.map((eventName) => ({ bucket: 'b', key: 'uploads/p/a', eventName, eTag: 'e1' })),
    );

    // Act
    const actions = parseS3Event(event).map((change) => change.action);

    // Assess
    expect(actions).toEqual(['created', 'created', 'created', 'removed', 'removed']);
  });

  it("carries the helper's records' eTag, and none for a record without one", () => {
    // Act
    const [named, unnamed] = parseS3Event(
      s3Event(
        { bucket: 'b', key: 'uploads/p/a.jpg', eTag: '"9b2cf535f27731c974343645a3985328"' },
        { bucket: 'b', key: 'uploads/p/b.jpg', eTag: null },
      ),
    );

    // Assess
    expect(named).toMatchObject({ eTag: '9b2cf535f27731c974343645a3985328' });
    expect(unnamed).not.toHaveProperty('eTag');
    expect(() => s3Event({ bucket: 'b', key: 'uploads/p/c.jpg' })).toThrow(
      "pass the uploaded version's eTag",
    );
  });

  it('gives no changes for an event without records, such as s3:TestEvent', () => {
    expect(parseS3Event({ Event: 's3:TestEvent', Bucket: 'b' })).toEqual([]);
    expect(parseS3Event(null)).toEqual([]);
  });

  it('ignores, rather than throws on, malformed records and undecodable keys', () => {
    // Prepare
    const event = {
      Records: [
        { nonsense: true },
        {
          eventName: 'ObjectCreated:Put',
          s3: { bucket: { name: 'b' }, object: { key: '%E0%A4%A' } },
        },
        {
          eventName: 'ObjectRestore:Completed',
          s3: { bucket: { name: 'b' }, object: { key: 'k' } },
        },
      ],
    };

    // Act
    const changes = parseS3Event(event);

    // Assess
    expect(changes.map((change) => change.action)).toEqual(['ignored', 'ignored', 'ignored']);
  });

  it('recovers any key from its S3 event encoding', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), (name) => {
        const key = `uploads/p-1/${name}`;
        const [change] = parseS3Event(s3Event({ bucket: 'b', key, eTag: 'e1' }));
        expect(change).toMatchObject({ action: 'created', key });
      }),
    );
  });

  it('treats a literal plus and a space differently', () => {
    const [plus] = parseS3Event(s3Event({ bucket: 'b', key: 'uploads/p/a+b.jpg', eTag: 'e1' }));
    const [space] = parseS3Event(s3Event({ bucket: 'b', key: 'uploads/p/a b.jpg', eTag: 'e1' }));
    expect(encodeS3EventKey('uploads/p/a+b.jpg')).toBe('uploads/p/a%2Bb.jpg');
    expect(plus).toMatchObject({ key: 'uploads/p/a+b.jpg' });
    expect(space).toMatchObject({ key: 'uploads/p/a b.jpg' });
  });
});
