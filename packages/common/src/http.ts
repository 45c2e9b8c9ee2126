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

/**
 * Read a JSON request body: checks the media type (415), decodes base64 bodies, enforces a byte
 * limit on the decoded body (413) and parses it (400). Returns `unknown`: validate it next.
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
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.byteLength > maxBytes) {
    throw new PayloadTooLargeError(`Request body exceeds ${maxBytes} bytes`);
  }
  if (bytes.byteLength === 0) throw new BadRequestError('Request body is empty');
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new BadRequestError('Request body is not valid JSON', { cause: error });
  }
};
