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

  // The longest key the contract accepts, in 2-byte characters ('é'), so bytes are counted.
  const longestKey = () => {
    const room = MAX_UPLOAD_KEY_BYTES - 'uploads/p-1/'.length;
    return `uploads/p-1/${'é'.repeat(Math.floor(room / 2))}${'x'.repeat(room % 2)}`;
  };

  it('takes keys up to MAX_UPLOAD_KEY_BYTES, counting UTF-8 bytes', () => {
    // Prepare
    const longest = longestKey();

    // Act / Assess
    expect(Buffer.byteLength(longest)).toBe(MAX_UPLOAD_KEY_BYTES);
    expect(parseUploadKey(longest)).toBeDefined();
    expect(parseUploadKey(`${longest}x`)).toBeUndefined();
  });

  it("takes only keys whose derived keys fit: S3's 1024 bytes, the catalog's sort key 1024", () => {
    // Prepare
    const upload = parseUploadKey(longestKey());
    if (upload === undefined) throw new Error('the longest key must parse');
    const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

    // Assess: the outcome key is the thumbnailer's longest (widths are at most 4096 px).
    expect(bytes(`p-1/${upload.name}/outcome.json`)).toBeLessThanOrEqual(1024);
    expect(bytes(thumbnailKey(upload, 4096))).toBeLessThanOrEqual(1024);
    // The indexer's byProduct sort key, `<Date#toISOString()>#<key>`, is exactly at the limit.
    const latest = new Date('9999-12-31T23:59:59.999Z').toISOString();
    expect(bytes(`${latest}#${upload.key}`)).toBe(1024);
  });

  it('skips an upload whose catalog sort key would pass 1024 bytes (1000-byte key)', () => {
    // A 1000-byte key: its outcome key (1005 bytes) fits S3, but `<time>#<key>` (1025) does not
    // fit DynamoDB's sort key, so the catalog could never hold it: neither service takes it.
    const key = `uploads/p1/${'a'.repeat(985)}.jpg`;

    expect(Buffer.byteLength(key)).toBe(1000);
    expect(parseUploadKey(key)).toBeUndefined();
    expect(parseUploadKey(key.replace('aa', 'a'))).toBeDefined();
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
