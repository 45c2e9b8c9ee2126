import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_RESPONSE_BYTES } from './constants.js';

/** One invocation as handed to the runtime by `GET /invocation/next`. */
export interface RuntimeInvocation {
  requestId: string;
  payload: string;
  deadlineMs: number;
  functionArn: string;
  traceId: string;
  clientContext?: string;
  cognitoIdentity?: string;
}

/** An error as a runtime reports it (`/error`, `/init/error`). */
export interface RuntimeError {
  errorType: string;
  errorMessage: string;
  stackTrace?: string[];
}

/** What the server asks of the function environment that owns it. */
export interface RuntimeApiDelegate {
  /** The runtime asks for work: resolve with the next invocation (possibly much later). */
  next(signal: AbortSignal): Promise<RuntimeInvocation | undefined>;
  response(requestId: string, body: Buffer): 'ok' | 'unknown' | 'too-large';
  error(requestId: string, error: RuntimeError): 'ok' | 'unknown';
  initError(error: RuntimeError): void;
}

const PREFIX = '/2018-06-01/runtime';

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** An error body a runtime posts (`/error`, `/init/error`), with the error type header as fallback. */
export const parseRuntimeError = (body: Buffer, headerType: string | undefined): RuntimeError => {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as Partial<RuntimeError> & {
      trace?: string[];
    };
    return {
      errorType: String(parsed.errorType ?? headerType ?? 'Unknown'),
      errorMessage: String(parsed.errorMessage ?? ''),
      stackTrace: parsed.stackTrace ?? parsed.trace ?? [],
    };
  } catch {
    return { errorType: headerType ?? 'Unknown', errorMessage: body.toString('utf8') };
  }
};

/** An invocation as the Runtime API's `next` answer names it in its headers. */
export const invocationHeaders = (invocation: RuntimeInvocation): Record<string, string> => {
  const headers: Record<string, string> = {
    'lambda-runtime-aws-request-id': invocation.requestId,
    'lambda-runtime-deadline-ms': String(invocation.deadlineMs),
    'lambda-runtime-invoked-function-arn': invocation.functionArn,
    'lambda-runtime-trace-id': invocation.traceId,
  };
  if (invocation.clientContext) headers['lambda-runtime-client-context'] = invocation.clientContext;
  if (invocation.cognitoIdentity)
    headers['lambda-runtime-cognito-identity'] = invocation.cognitoIdentity;
  return headers;
};

const send = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

/**
 * The Lambda Runtime API (version 2018-06-01) for one function environment, on a loopback
 * port: what `AWS_LAMBDA_RUNTIME_API` points a runtime client at (our bootstrap, or AWS's
 * `aws-lambda-ric`).
 */
export class RuntimeApiServer {
  private readonly server: Server;
  private readonly delegate: RuntimeApiDelegate;
  private address = '';

  constructor(delegate: RuntimeApiDelegate) {
    this.delegate = delegate;
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent)
          send(response, 500, { errorMessage: String(error), errorType: 'ServiceException' });
      });
    });
    // Long polls on /next must not be cut by the server's own timeouts.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 0;
    this.server.keepAliveTimeout = 0;
  }

  /** `host:port`, the value of AWS_LAMBDA_RUNTIME_API. */
  get hostPort(): string {
    return this.address;
  }

  async start(host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, host, resolve);
    });
    this.address = `${host}:${(this.server.address() as AddressInfo).port}`;
    return this.address;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    const url = request.url ?? '';
    const method = request.method ?? 'GET';
    if (method === 'GET' && url === `${PREFIX}/invocation/next`) {
      const abort = new AbortController();
      response.on('close', () => abort.abort());
      const invocation = await this.delegate.next(abort.signal);
      // Closed before the answer could go: the invocation stays in flight, and the runtime's
      // next `next` gets it again.
      if (invocation === undefined || response.destroyed) return;
      response.writeHead(200, {
        'content-type': 'application/json',
        ...invocationHeaders(invocation),
      });
      response.end(invocation.payload);
      return;
    }
    const body = await readBody(request);
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (method === 'POST' && match) {
      const requestId = decodeURIComponent(match[1] as string);
      const outcome =
        match[2] === 'response'
          ? this.delegate.response(requestId, body)
          : this.delegate.error(
              requestId,
              parseRuntimeError(
                body,
                request.headers['lambda-runtime-function-error-type'] as string | undefined,
              ),
            );
      if (outcome === 'unknown') {
        send(response, 400, { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
      } else if (outcome === 'too-large') {
        send(response, 413, {
          errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
          errorType: 'RequestEntityTooLarge',
        });
      } else {
        send(response, 202, { status: 'OK' });
      }
      return;
    }
    if (method === 'POST' && url === `${PREFIX}/init/error`) {
      this.delegate.initError(
        parseRuntimeError(
          body,
          request.headers['lambda-runtime-function-error-type'] as string | undefined,
        ),
      );
      send(response, 202, { status: 'OK' });
      return;
    }
    send(response, 404, {
      errorMessage: `Unknown runtime API path ${method} ${url}`,
      errorType: 'NotFound',
    });
  }
}
