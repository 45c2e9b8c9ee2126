import { encodeS3EventKey, parseUploadKey } from '@shop/contracts/mediaKeys';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { objectKeyFromEvent } from '../../src/domain/objectKey.js';

const anyKey = fc.string({ unit: 'binary', minLength: 1, maxLength: 60 });
const rawOnlyCharacter = fc.constantFrom(' ', '\t', 'é', 'ü', '日', '🙂', '\u00a0');

describe('objectKeyFromEvent', () => {
  it('decodes keys URL-encoded the way S3 encodes event keys', () => {
    fc.assert(
      fc.property(anyKey, (key) => {
        // Act
        const decoded = objectKeyFromEvent(encodeS3EventKey(key));

        // Assess
        expect(decoded).toBe(key);
      }),
    );
  });

  it('keeps raw keys that contain spaces or non-ASCII characters as they are', () => {
    fc.assert(
      fc.property(anyKey, rawOnlyCharacter, anyKey, (before, special, after) => {
        // Prepare: '+' and '%41' here are literal characters of the raw key.
        const key = `uploads/p1/${before}${special}+%41${after}`;

        // Act / Assess
        expect(objectKeyFromEvent(key)).toBe(key);
      }),
    );
  });

  it('never throws, whatever the event carries', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (key) => {
        expect(typeof objectKeyFromEvent(key)).toBe('string');
      }),
    );
  });

  it.each([
    ['uploads/prod-1042/front+view.jpg', 'uploads/prod-1042/front view.jpg'],
    ['uploads/p1/summer+sale+%2B1+%C3%A9.jpg', 'uploads/p1/summer sale +1 é.jpg'],
    ['uploads/p1/front view é.jpg', 'uploads/p1/front view é.jpg'],
    ['uploads/p1/100%.jpg', 'uploads/p1/100%.jpg'],
    ['uploads/p1/plain-name_01.jpg', 'uploads/p1/plain-name_01.jpg'],
  ])('reads %s as %s', (eventKey, expected) => {
    expect(objectKeyFromEvent(eventKey)).toBe(expected);
  });

  it('yields the product id and name of encoded and raw upload keys alike', () => {
    // Prepare
    const raw = 'uploads/prod-7/Größe 2 (front).jpg';

    // Act
    const fromEncoded = parseUploadKey(objectKeyFromEvent(encodeS3EventKey(raw)));
    const fromRaw = parseUploadKey(objectKeyFromEvent(raw));

    // Assess
    expect(fromEncoded).toEqual({ key: raw, productId: 'prod-7', name: 'Größe 2 (front).jpg' });
    expect(fromRaw).toEqual(fromEncoded);
  });
});
