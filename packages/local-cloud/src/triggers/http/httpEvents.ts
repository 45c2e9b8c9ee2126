import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RouteMatch } from './routes.js';

/** An HTTP request, as the API received it. */
export interface HttpRequest {
  method: string;
  /** Path and query string as sent (`/orders?limit=5`). */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
  protocol: string;
}

/** What identifies the API in events. */
export interface ApiInfo {
  apiId: string;
  accountId: string;
  region: string;
  stage: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** `12/Mar/2020:19:03:58 +0000`, the requestContext.time format. */
export const requestTime = (date: Date): string =>
  `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;

const TEXT_TYPES = [
  /^text\//,
  /^application\/(json|javascript|xml|x-www-form-urlencoded|graphql|x-yaml|yaml|ld\+json)\b/,
  /^application\/[\w.+-]+\+(json|xml)\b/,
];

/** Is a body of this content type passed as text (not base64)? */
export const isTextContent = (
  contentType: string | undefined,
  contentEncoding?: string,
): boolean => {
  if (contentEncoding !== undefined && contentEncoding !== '' && contentEncoding !== 'identity')
    return false;
  const type = (contentType ?? '').toLowerCase().trim();
  return TEXT_TYPES.some((pattern) => pattern.test(type));
};

const joinValue = (value: string | string[] | undefined) =>
  Array.isArray(value) ? value.join(',') : (value ?? '');

/** Header names lower-cased, repeated headers joined with commas; cookies split out. */
export const eventHeaders = (
  headers: IncomingHttpHeaders,
): { headers: Record<string, string>; cookies: string[] } => {
  const out: Record<string, string> = {};
  let cookies: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') {
      cookies = joinValue(value)
        .split(/;\s*/)
        .filter((cookie) => cookie !== '');
      continue;
    }
    out[name.toLowerCase()] = joinValue(value);
  }
  return { headers: out, cookies };
};

/** Query string parameters, repeated names joined with commas (as payload 2.0 does). */
export const queryParameters = (rawQuery: string): Record<string, string> | undefined => {
  if (rawQuery === '') return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    out[name] = name in out ? `${out[name]},${value}` : value;
  }
  return out;
};

/** An API Gateway-style request id. */
export const newRequestId = (): string => randomBytes(10).toString('base64').replace(/=+$/, '=');

/** The pieces shared by the function event and the authorizer event. */
export interface RequestParts {
  rawPath: string;
  rawQueryString: string;
  headers: Record<string, string>;
  cookies: string[];
  requestContext: Record<string, unknown>;
}

/** Split a request into the parts both event types share. */
export const requestParts = (
  request: HttpRequest,
  api: ApiInfo,
  routeKey: string,
  requestId: string,
  now = new Date(),
): RequestParts => {
  const question = request.url.indexOf('?');
  const rawPath = question < 0 ? request.url : request.url.slice(0, question);
  const rawQueryString = question < 0 ? '' : request.url.slice(question + 1);
  const { headers, cookies } = eventHeaders(request.headers);
  headers['x-forwarded-for'] ??= request.sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-amzn-trace-id'] ??=
    `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
  const domainName = headers.host ?? `${api.apiId}.execute-api.${api.region}.amazonaws.com`;
  return {
    rawPath,
    rawQueryString,
    headers,
    cookies,
    requestContext: {
      accountId: api.accountId,
      apiId: api.apiId,
      domainName,
      domainPrefix: domainName.split('.')[0],
      http: {
        method: request.method,
        path: rawPath,
        protocol: request.protocol,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: api.stage,
      time: requestTime(now),
      timeEpoch: now.getTime(),
    },
  };
};

/**
 * The payload 2.0 event HTTP API sends a Lambda integration.
 *
 * @example
 * httpApiEvent(request, match, parts, { lambda: { customerId: 'c-1' } });
 */
export const httpApiEvent = (
  request: HttpRequest,
  match: RouteMatch,
  parts: RequestParts,
  authorizer?: Record<string, unknown>,
): Record<string, unknown> => {
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: match.route.routeKey,
    rawPath: parts.rawPath,
    rawQueryString: parts.rawQueryString,
  };
  if (parts.cookies.length > 0) event.cookies = parts.cookies;
  event.headers = parts.headers;
  const query = queryParameters(parts.rawQueryString);
  if (query) event.queryStringParameters = query;
  event.requestContext = authorizer
    ? { ...parts.requestContext, authorizer }
    : parts.requestContext;
  if (Object.keys(match.pathParameters).length > 0) event.pathParameters = match.pathParameters;
  if (request.body.byteLength > 0) {
    const text = isTextContent(parts.headers['content-type'], parts.headers['content-encoding']);
    event.body = text ? request.body.toString('utf8') : request.body.toString('base64');
    event.isBase64Encoded = !text;
  } else {
    event.isBase64Encoded = false;
  }
  return event;
};

/** The HTTP response API Gateway sends for an integration result. */
export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

/** A gateway-made response (`{"message":"Not Found"}` ...). */
export const gatewayResponse = (statusCode: number, message: string): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  cookies: [],
  body: Buffer.from(JSON.stringify({ message })),
});

const INTERNAL_ERROR = () => gatewayResponse(500, 'Internal Server Error');

/**
 * Map a Lambda response (payload 2.0 format) to HTTP as HTTP API does: an object with
 * `statusCode` is taken as the response; any other valid JSON becomes a 200
 * `application/json` body; a malformed response is a 500.
 */
export const mapLambdaResponse = (payload: string): HttpResponse => {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return INTERNAL_ERROR();
  }
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject || !('statusCode' in (value as object))) {
    const body = typeof value === 'string' ? value : JSON.stringify(value);
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      cookies: [],
      body: Buffer.from(body),
    };
  }
  const response = value as {
    statusCode: unknown;
    headers?: unknown;
    cookies?: unknown;
    body?: unknown;
    isBase64Encoded?: unknown;
  };
  const statusCode = Number(response.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599)
    return INTERNAL_ERROR();
  const headers: Record<string, string> = {};
  if (typeof response.headers === 'object' && response.headers !== null) {
    for (const [name, header] of Object.entries(response.headers))
      headers[name.toLowerCase()] = String(header);
  }
  const cookies = Array.isArray(response.cookies) ? response.cookies.map(String) : [];
  let body = Buffer.alloc(0);
  if (response.body !== undefined && response.body !== null) {
    const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    body = response.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text);
  }
  return { statusCode, headers, cookies, body };
};
