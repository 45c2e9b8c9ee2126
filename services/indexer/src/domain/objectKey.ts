import { decodeS3EventKey } from '@shop/contracts/mediaKeys';

// Which form does `detail.object.key` of an S3 event delivered through EventBridge have?
// The EventBridge event reference (S3 User Guide, ev-events.md) does not say. Classic S3
// notifications URL-encode keys in form style ("red flower.jpg" -> "red+flower.jpg"), and
// AWS's own consumers of the EventBridge shape decode it the same way: Powertools for AWS
// Lambda (Python) `S3EventBridgeNotificationObject.key` returns `unquote_plus(key)`, and
// OpenSearch Data Prepper's S3 source reads `getUrlDecodedKey()` for EventBridge messages.
// Emulators differ: moto's EventBridge emission carries the raw key.
//
// So we accept both. An encoded key only ever contains printable ASCII without spaces; a key
// with whitespace, control or non-ASCII characters can only be the raw key and is used as it
// is. Anything else is decoded; a '%' that is not an escape means it was raw after all. The
// one ambiguous case, a raw key whose only special characters are '+' or valid %XX escapes,
// is read as encoded, as AWS sends it.

const isRawOnly = (code: number) => code <= 0x20 || code >= 0x7f;

const hasRawOnlyCharacter = (key: string): boolean => {
  for (let index = 0; index < key.length; index += 1) {
    if (isRawOnly(key.charCodeAt(index))) return true;
  }
  return false;
};

/**
 * The real object key of an S3 EventBridge event's `detail.object.key`, whether the producer
 * URL-encoded it (AWS) or not (some emulators).
 *
 * @example
 * objectKeyFromEvent('uploads/p1/front+view+%C3%A9.jpg'); // 'uploads/p1/front view é.jpg'
 * objectKeyFromEvent('uploads/p1/front view é.jpg'); // 'uploads/p1/front view é.jpg'
 */
export const objectKeyFromEvent = (eventKey: string): string => {
  if (hasRawOnlyCharacter(eventKey)) return eventKey;
  try {
    return decodeS3EventKey(eventKey);
  } catch {
    // URIError: a '%' not followed by two hex digits (or not UTF-8) cannot come from an encoder.
    return eventKey;
  }
};
