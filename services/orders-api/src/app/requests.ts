import { BadRequestError } from '@shop/common/errors';
import { getHeader, parseJsonBody } from '@shop/common/http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DEFAULT_PAGE_SIZE, MAX_BODY_BYTES, MAX_PAGE_SIZE } from '../domain/constants.js';
import { IDEMPOTENCY_KEY_PATTERN } from '../domain/identifiers.js';
import { type PlaceOrderRequest, validatePlaceOrderRequest } from '../domain/orderRequest.js';

// The HTTP API (payload 2.0) event's parts each route reads: body, headers, query, path.

const MAX_CURSOR_LENGTH = 256;

type Event = Pick<
  APIGatewayProxyEventV2,
  'headers' | 'body' | 'isBase64Encoded' | 'queryStringParameters' | 'pathParameters'
>;

/** POST /orders body: 415 / 413 / 400 (malformed JSON) / 400 with field details. */
export const readPlaceOrderRequest = (event: Event): PlaceOrderRequest => {
  const body = parseJsonBody(event, { maxBytes: MAX_BODY_BYTES });
  const result = validatePlaceOrderRequest(body);
  if (!result.success) {
    throw new BadRequestError('The request body is not a valid order', {
      details: result.problems,
    });
  }
  return result.request;
};

/** The optional Idempotency-Key header (400 when present but malformed). */
export const readIdempotencyKey = (event: Event): string | undefined => {
  const key = getHeader(event, 'idempotency-key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new BadRequestError('Invalid Idempotency-Key header', {
      details: [
        { field: 'Idempotency-Key', message: '1-255 printable ASCII characters without spaces' },
      ],
    });
  }
  return key;
};

/** `?limit=&cursor=` of GET /orders. */
export const readListQuery = (event: Event): { limit: number; cursor?: string } => {
  const { limit: rawLimit, cursor } = event.queryStringParameters ?? {};
  const problems: { field: string; message: string }[] = [];
  let limit = DEFAULT_PAGE_SIZE;
  if (rawLimit !== undefined) {
    limit = /^\d{1,3}$/.test(rawLimit) ? Number(rawLimit) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_PAGE_SIZE)) {
      problems.push({ field: 'limit', message: `An integer from 1 to ${MAX_PAGE_SIZE}` });
    }
  }
  if (cursor !== undefined && (cursor === '' || cursor.length > MAX_CURSOR_LENGTH)) {
    problems.push({ field: 'cursor', message: 'Not a cursor issued by this API for this caller' });
  }
  if (problems.length > 0)
    throw new BadRequestError('Invalid query parameters', { details: problems });
  return cursor === undefined ? { limit } : { limit, cursor };
};

/** The `{orderId}` path parameter (format checks happen in the use case: 404, not 400). */
export const readOrderId = (event: Event): string => event.pathParameters?.orderId ?? '';
