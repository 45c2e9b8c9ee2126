// S3 puts object keys into event notifications URL-encoded as an HTML form would
// (application/x-www-form-urlencoded: "red flower.jpg" becomes "red+flower.jpg"), with the
// `/` separators left as they are. The emulator owns this encoding so that a handler's
// decoding is tested against S3's behaviour, not against a copy of its own code.

// Characters encodeURIComponent leaves alone but a form encoder (S3, Java's URLEncoder)
// escapes: only A-Z a-z 0-9 and `. - _ *` stay literal.
const FORM_ESCAPES: Readonly<Record<string, string>> = {
  '!': '%21',
  "'": '%27',
  '(': '%28',
  ')': '%29',
  '~': '%7E',
};

/**
 * Encode a key the way S3 event notifications carry it.
 *
 * @example
 * encodeS3EventKey('photos/red flower.jpg'); // 'photos/red+flower.jpg'
 * encodeS3EventKey('a+b (1).jpg'); // 'a%2Bb+%281%29.jpg'
 */
export const encodeS3EventKey = (key: string): string =>
  key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/[!'()~]/g, (char) => FORM_ESCAPES[char] ?? char)
        .replace(/%20/g, '+'),
    )
    .join('/');

/**
 * Decode a key from an S3 event notification (`+` is a space, `%2B` a plus).
 *
 * @example
 * decodeS3EventKey('photos/red+flower+%2B1.jpg'); // 'photos/red flower +1.jpg'
 */
export const decodeS3EventKey = (encoded: string): string =>
  decodeURIComponent(encoded.replace(/\+/g, ' '));
