import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** The response shape an HTTP API (payload 2.0) Lambda integration returns. */
export type HttpResponse = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
};

/**
 * A JSON response with the headers every API answer carries: content type with charset,
 * `no-store` (answers are per customer) and `nosniff`.
 *
 * @example
 * return jsonResponse(201, order, { location: `/orders/${order.orderId}` });
 */
export const jsonResponse = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse => ({
  statusCode,
  headers: {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  },
  body: JSON.stringify(body),
});
