import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeS3EventKey,
  encodeS3EventKey,
  MAX_UPLOAD_KEY_BYTES,
  parseUploadKey,
  thumbnailKey,
  thumbnailKeys,
} from '../../src/mediaKeys.js';

describe('decodeS3EventKey', () => {
  it('reads + as a space, %2B as a plus, and UTF-8 escapes', () => {
    expect(decodeS3EventKey('uploads/p1/summer+sale+%2B1+%C3%A9+%E2%82%AC.jpg')).toBe(
      'uploads/p1/summer sale +1 é €.jpg',
    );
  });

  it('inverts encodeS3EventKey for any key', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (key) => {
        expect(decodeS3EventKey(encodeS3EventKey(key))).toBe(key);
      }),
    );
  });

  it('encodes spaces as + and pluses as %2B, keeping slashes', () => {
    expect(encodeS3EventKey('uploads/p 1/a+b.jpg')).toBe('uploads/p+1/a%2Bb.jpg');
  });
});

describe('parseUploadKey', () => {
  it('splits product id and name, keeping sub-folders in the name', () => {
    expect(parseUploadKey('uploads/p-1/front view.jpg')).toEqual({
      key: 'uploads/p-1/front view.jpg',
      productId: 'p-1',
      name: 'front view.jpg',
    });
    expect(parseUploadKey('uploads/p-1/a/b.png')?.name).toBe('a/b.png');
  });

  it.each([
    'thumbs/p-1/a.jpg',
    'uploads/',
    'uploads/p-1',
    'uploads/p-1/',
    'uploads//a.jpg',
    'uploads/p 1/a.jpg',
    'uploads/p-1/dir/',
    'uploads/../x/a.jpg',
  ])('rejects %s', (key) => {
    expect(parseUploadKey(key)).toBeUndefined();
  });

  it("takes keys whose outcome key still fits in S3's 1024 bytes, counting UTF-8 bytes", () => {
    // Prepare: 'é' is two bytes.
    const room = MAX_UPLOAD_KEY_BYTES - 'uploads/p-1/'.length;
    const longest = `uploads/p-1/${'é'.repeat(Math.floor(room / 2))}${'x'.repeat(room % 2)}`;
    const upload = parseUploadKey(longest);

    // Act / Assess
    expect(Buffer.byteLength(longest)).toBe(MAX_UPLOAD_KEY_BYTES);
    expect(upload).toBeDefined();
    expect(Buffer.byteLength(`p-1/${upload?.name}/outcome.json`)).toBe(1024);
    expect(parseUploadKey(`${longest}x`)).toBeUndefined();
  });
});

describe('thumbnailKey', () => {
  it('maps uploads/<productId>/<name> to <productId>/<name>/<width>.webp', () => {
    const upload = parseUploadKey('uploads/p-1/Zoë 1.jpg');
    if (upload === undefined) throw new Error('fixture key must parse');
    expect(thumbnailKey(upload, 128)).toBe('p-1/Zoë 1.jpg/128.webp');
    expect(thumbnailKeys(upload)).toEqual([
      'p-1/Zoë 1.jpg/128.webp',
      'p-1/Zoë 1.jpg/512.webp',
      'p-1/Zoë 1.jpg/1024.webp',
    ]);
  });
});
