import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { gatewayResponse, type HttpResponse } from './httpEvents.js';

/**
 * HTTP API's quota "Total combined size of request line and header values": 10240 bytes, not
 * adjustable (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html).
 */
export const MAX_REQUEST_HEAD_BYTES = 10_240;

/**
 * How much of a request head Node's parser reads before giving up. Its default is 16 KiB, past
 * which it answers a bare 431 (and a long URL still being sent sees a reset); raised so that
 * any realistic head (a 100 KB URL, a 2 MB header) is read whole and answered by
 * {@link oversizeHead} with the exact status.
 */
export const PARSER_MAX_HEADER_BYTES = 8 * 1024 * 1024;

/** How long a refused client may keep sending before its connection is closed. */
const DRAIN_MS = 5_000;

// AWS does not document the answers; these are HTTP API's JSON shape (`{"message": ...}`)
// with the status HTTP names for each case: a request line over the quota is 414, a request
// line plus header values over it 431.
export const uriTooLong = (): HttpResponse => gatewayResponse(414, 'Request-URI Too Long');
export const headersTooLarge = (): HttpResponse =>
  gatewayResponse(431, 'Request Header Fields Too Large');

/** The size HTTP API counts: the request line plus every header value (names excluded). */
export const requestHeadSize = (
  request: Pick<IncomingMessage, 'method' | 'url' | 'httpVersion' | 'rawHeaders'>,
): { requestLine: number; total: number } => {
  const requestLine = Buffer.byteLength(
    `${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/${request.httpVersion}`,
  );
  let values = 0;
  for (let i = 1; i < request.rawHeaders.length; i += 2) {
    values += Buffer.byteLength(request.rawHeaders[i] ?? '');
  }
  return { requestLine, total: requestLine + values };
};

/** The answer for a request head over the quota, or undefined when it fits. */
export const oversizeHead = (
  request: Pick<IncomingMessage, 'method' | 'url' | 'httpVersion' | 'rawHeaders'>,
): HttpResponse | undefined => {
  const { requestLine, total } = requestHeadSize(request);
  if (requestLine > MAX_REQUEST_HEAD_BYTES) return uriTooLong();
  if (total > MAX_REQUEST_HEAD_BYTES) return headersTooLarge();
  return undefined;
};

/**
 * Node's `clientError` for a head past even {@link PARSER_MAX_HEADER_BYTES} (or any other
 * malformed request): answer HTTP API's JSON error instead of Node's bare status, then close
 * gently. The client may still be sending its head; destroying the socket with unread bytes
 * would reset the connection before it reads the answer, so the rest is read and dropped.
 */
export const answerClientError = (error: NodeJS.ErrnoException, socket: Socket): void => {
  if (!socket.writable || socket.destroyed) {
    socket.destroy();
    return;
  }
  // Node cannot tell here whether the request line or a header overflowed: 431 covers both.
  const answer =
    error.code === 'HPE_HEADER_OVERFLOW' ? headersTooLarge() : gatewayResponse(400, 'Bad Request');
  socket.end(
    Buffer.concat([
      Buffer.from(
        `HTTP/1.1 ${answer.statusCode} ${statusText(answer.statusCode)}\r\n` +
          'content-type: application/json\r\n' +
          `content-length: ${answer.body.byteLength}\r\n` +
          'connection: close\r\n\r\n',
      ),
      answer.body,
    ]),
  );
  socket.on('data', () => undefined);
  socket.resume();
  socket.setTimeout(DRAIN_MS, () => socket.destroy());
};

const statusText = (status: number): string =>
  status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
