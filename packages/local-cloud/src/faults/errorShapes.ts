import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { crc32 } from 'node:zlib';
import { isQueryProtocol } from './awsRequest.js';
import type { FaultError, FaultService } from './types.js';

/** An answer ready to write: status, headers, body. */
export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const JSON_NAMESPACES: Partial<Record<FaultService, string>> = {
  dynamodb: 'com.amazonaws.dynamodb.v20120810#',
  dynamodbstreams: 'com.amazonaws.dynamodb.v20120810#',
  sqs: 'com.amazonaws.sqs#',
};

const escapeXml = (text: string) =>
  text.replace(
    /[<>&'"]/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' }[c]};`,
  );

const answer = (status: number, headers: Record<string, string>, text: string): ErrorAnswer => {
  const body = Buffer.from(text);
  return { status, headers: { ...headers, 'content-length': String(body.length) }, body };
};

/**
 * An AWS error in the shape the request's protocol uses, so the SDK parses it into the
 * exception whose `name` is `error.code`: JSON `__type` (DynamoDB, DynamoDB Streams,
 * Secrets Manager, SQS's JSON protocol, with its `x-amzn-query-error` header), REST JSON
 * with `x-amzn-ErrorType` (SES v2), `<ErrorResponse>` XML (query protocol: SQS, SES v1) and
 * `<Error>` XML (S3).
 */
export const faultErrorAnswer = (
  service: FaultService | undefined,
  headers: IncomingHttpHeaders,
  path: string,
  error: FaultError,
): ErrorAnswer => {
  const requestId = randomUUID();
  const message = error.message ?? `Injected fault: ${error.code}`;
  const fault = error.status >= 500 ? 'Receiver' : 'Sender';
  const ids = { 'x-amzn-requestid': requestId, 'x-amz-request-id': requestId };
  if (service === 's3') {
    return answer(
      error.status,
      { ...ids, 'content-type': 'application/xml' },
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId}</RequestId></Error>`,
    );
  }
  if (isQueryProtocol(headers)) {
    return answer(
      error.status,
      { ...ids, 'content-type': 'text/xml' },
      `<?xml version="1.0"?>\n<ErrorResponse><Error><Type>${fault}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  }
  if (service === 'ses' && path.startsWith('/v2/')) {
    return answer(
      error.status,
      { ...ids, 'content-type': 'application/json', 'x-amzn-errortype': error.code },
      JSON.stringify({ message }),
    );
  }
  const contentType = String(headers['content-type'] ?? 'application/x-amz-json-1.0');
  const body = JSON.stringify({
    __type: `${JSON_NAMESPACES[service ?? 'dynamodb'] ?? ''}${error.code}`,
    message,
  });
  return answer(
    error.status,
    {
      ...ids,
      'content-type': contentType.startsWith('application/x-amz-json')
        ? contentType
        : 'application/x-amz-json-1.0',
      'x-amz-crc32': String(crc32(Buffer.from(body))),
      ...(service === 'sqs' ? { 'x-amzn-query-error': `${error.code};${fault}` } : {}),
    },
    body,
  );
};
