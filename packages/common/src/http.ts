import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors.js';

export { type HttpResponse, jsonResponse } from './response.js';

/** The part of an HTTP API (payload 2.0) event the body helpers read. */
export type HttpRequestLike = Pick<APIGatewayProxyEventV2, 'headers' | 'body' | 'isBase64Encoded'>;

/** Default body limit: 64 KiB, well under API Gateway's 10 MB and Lambda's 6 MB. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * A request header by name, case-insensitively (HTTP API lower-cases them, `sam local` and
 * tests may not).
 *
 * @example
 * const key = getHeader(event, 'Idempotency-Key');
 */
export const getHeader = (event: Pick<APIGatewayProxyEventV2, 'headers'>, name: string) => {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
};

const isJsonMediaType = (contentType: string | undefined): boolean => {
  if (contentType === undefined) return false;
  const mediaType = contentType.split(';', 1)[0]?.trim().toLowerCase();
  return mediaType === 'application/json' || /^application\/[\w.+-]+\+json$/.test(mediaType ?? '');
};

// Fatal: invalid UTF-8 is an error, never silently replaced by U+FFFD (Buffer's decoder would).
const utf8 = new TextDecoder('utf-8', { fatal: true });
// Canonical base64 as API Gateway sends it; Buffer's decoder would skip anything else silently.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const bodyBytes = (raw: string, isBase64Encoded: boolean | undefined): Uint8Array => {
  if (isBase64Encoded) {
    if (!BASE64.test(raw)) throw new BadRequestError('Request body is not valid base64');
    return Buffer.from(raw, 'base64');
  }
  // A string with an unpaired surrogate has no UTF-8 form; Buffer would write U+FFFD for it.
  if (!raw.isWellFormed()) throw new BadRequestError('Request body is not valid UTF-8');
  return Buffer.from(raw, 'utf8');
};

/**
 * Read a JSON request body: checks the media type (415), decodes base64 bodies, enforces a byte
 * limit on the decoded body (413), decodes UTF-8 strictly (400 on invalid UTF-8 or base64,
 * never a silent U+FFFD) and parses it (400). Returns `unknown`: validate it next.
 *
 * @example
 * const input = orderSchema.parse(parseJsonBody(event, { maxBytes: 64 * 1024 }));
 */
export const parseJsonBody = (
  event: HttpRequestLike,
  options: { maxBytes?: number } = {},
): unknown => {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!isJsonMediaType(getHeader(event, 'content-type'))) {
    throw new UnsupportedMediaTypeError('Content-Type must be application/json');
  }
  const raw = event.body ?? '';
  // Check the encoded length first so a huge body is rejected before it is decoded.
  if (raw.length > (event.isBase64Encoded ? Math.ceil((maxBytes * 4) / 3) + 4 : maxBytes * 4)) {
    throw new PayloadTooLargeError(`Request body exceeds ${maxBytes} bytes`);
  }
  const bytes = bodyBytes(raw, event.isBase64Encoded);
  if (bytes.byteLength > maxBytes) {
    throw new PayloadTooLargeError(`Request body exceeds ${maxBytes} bytes`);
  }
  if (bytes.byteLength === 0) throw new BadRequestError('Request body is empty');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (error) {
    throw new BadRequestError('Request body is not valid UTF-8', { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadRequestError('Request body is not valid JSON', { cause: error });
  }
};
