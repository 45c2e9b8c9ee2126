import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeS3EventKey, encodeS3EventKey } from '../../src/triggers/s3/s3EventKeys.js';

// AWS documents the key in S3 event notifications as URL-encoded the way a form is
// (application/x-www-form-urlencoded): "red flower.jpg" becomes "red+flower.jpg".
describe('encodeS3EventKey', () => {
  it.each([
    ['red flower.jpg', 'red+flower.jpg'],
    ['HappyFace.jpg', 'HappyFace.jpg'],
    ['images/red flower.jpg', 'images/red+flower.jpg'],
    ['a+b.jpg', 'a%2Bb.jpg'],
    ['photo (1).jpg', 'photo+%281%29.jpg'],
    ["it's!~.txt", 'it%27s%21%7E.txt'],
    ['a*b_c-d.e', 'a*b_c-d.e'],
    ['é/ü.png', '%C3%A9/%C3%BC.png'],
    ['q?x=1&y=2#z', 'q%3Fx%3D1%26y%3D2%23z'],
  ])('encodes %j as %j', (key, encoded) => {
    // Act
    const result = encodeS3EventKey(key);

    // Assess
    expect(result).toBe(encoded);
  });

  it('decodes every encoded key back to itself', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (key) => {
        // Act
        const encoded = encodeS3EventKey(key);

        // Assess
        expect(encoded).toMatch(/^[A-Za-z0-9.*_\-+%/]*$/);
        expect(decodeS3EventKey(encoded)).toBe(key);
      }),
    );
  });
});
