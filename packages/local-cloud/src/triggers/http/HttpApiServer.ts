import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InvokeResult } from '../../lambda/LambdaFunction.js';
import type { RunnerLog } from '../../lambda/types.js';
import type { CorsModel, HttpApiModel } from '../../provision/model.js';
import { Authorizers } from './authorizer.js';
import {
  type ApiInfo,
  gatewayResponse,
  type HttpRequest,
  type HttpResponse,
  httpApiEvent,
  mapLambdaResponse,
  newRequestId,
  requestParts,
} from './httpEvents.js';
import { answerClientError, oversizeHead, PARSER_MAX_HEADER_BYTES } from './requestLimits.js';
import { matchRoute } from './routes.js';

/** HTTP API's request payload limit. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/** A port that is already taken, with what to do about it. */
export class PortInUseError extends Error {
  readonly port: number;

  constructor(what: string, port: number, hint: string, options?: ErrorOptions) {
    super(
      `${what} cannot listen on port ${port}: it is already in use (another pnpm dev?). ${hint}`,
      options,
    );
    this.name = 'PortInUseError';
    this.port = port;
  }
}

/** Listen, turning EADDRINUSE into a {@link PortInUseError}. */
export const listenOn = async (
  server: Server,
  port: number,
  host: string,
  what: string,
  hint: string,
): Promise<number> => {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(what, port, hint, { cause: error })
          : error,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
};

type Invoke = (functionId: string, event: unknown) => Promise<InvokeResult>;

const readBody = (request: IncomingMessage): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });

const corsHeaders = (cors: CorsModel, origin: string | undefined): Record<string, string> => {
  if (origin === undefined) return {};
  const allowed = cors.allowOrigins.includes('*') || cors.allowOrigins.includes(origin);
  if (!allowed) return {};
  const headers: Record<string, string> = {
    'access-control-allow-origin':
      cors.allowOrigins.includes('*') && !cors.allowCredentials ? '*' : origin,
  };
  if (cors.allowCredentials) headers['access-control-allow-credentials'] = 'true';
  if (cors.exposeHeaders.length > 0)
    headers['access-control-expose-headers'] = cors.exposeHeaders.join(',');
  return headers;
};

/**
 * One HTTP API (AWS::Serverless::HttpApi) on a local port: routes matched as HTTP API does,
 * the Lambda authorizer run first, payload 2.0 events to the route's function, the response
 * mapped back.
 */
export class HttpApiServer {
  readonly api: HttpApiModel;
  private readonly info: ApiInfo;
  private readonly invoke: Invoke;
  private readonly log: RunnerLog;
  private readonly authorizers: Authorizers;
  private readonly server: Server;
  url = '';

  constructor(
    api: HttpApiModel,
    info: Omit<ApiInfo, 'apiId' | 'stage'>,
    invoke: Invoke,
    log: RunnerLog,
  ) {
    this.api = api;
    this.info = { ...info, apiId: api.apiId, stage: '$default' };
    this.invoke = invoke;
    this.log = log;
    this.authorizers = new Authorizers(invoke, (message) =>
      log.warn(`${api.logicalId}: ${message}`),
    );
    // Node's own head limit is raised well past HTTP API's quota so that an oversize request
    // line or header is read and answered as HTTP API answers it (requestLimits.ts).
    this.server = createServer({ maxHeaderSize: PARSER_MAX_HEADER_BYTES }, (request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        log.error(`${api.logicalId}: ${(error as Error).stack ?? String(error)}`);
        if (!response.headersSent)
          this.send(response, gatewayResponse(500, 'Internal Server Error'), 'unknown', {});
      });
    });
    this.server.on('clientError', answerClientError);
  }

  async start(port: number, host = '127.0.0.1'): Promise<string> {
    const bound = await listenOn(
      this.server,
      port,
      host,
      `The HTTP API ${this.api.logicalId}`,
      'Start with another port: pnpm dev --port <n> (or PORT=<n> pnpm dev).',
    );
    this.url = `http://${host}:${bound}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private send(
    response: ServerResponse,
    result: HttpResponse,
    requestId: string,
    extra: Record<string, string>,
  ) {
    const headers: Record<string, string | string[]> = {
      ...result.headers,
      ...extra,
      'apigw-requestid': requestId,
    };
    if (result.cookies.length > 0) headers['set-cookie'] = result.cookies;
    headers['content-length'] = String(result.body.byteLength);
    response.writeHead(result.statusCode, headers);
    response.end(result.body);
  }

  private async handle(incoming: IncomingMessage, response: ServerResponse) {
    const started = performance.now();
    const requestId = newRequestId();
    const method = (incoming.method ?? 'GET').toUpperCase();
    const url = incoming.url ?? '/';
    const origin = incoming.headers.origin;
    const cors = this.api.cors;
    const finish = (result: HttpResponse, routeKey: string) => {
      const extra = cors ? corsHeaders(cors, origin) : {};
      this.send(response, result, requestId, extra);
      const shown = url.length > 200 ? `${url.slice(0, 200)}... (${url.length} chars)` : url;
      this.log.info(
        `${this.api.logicalId} ${method} ${shown} -> ${result.statusCode} (${routeKey}, ${Math.round(performance.now() - started)} ms)`,
      );
    };
    const body = await readBody(incoming);
    const oversize = oversizeHead(incoming);
    if (oversize !== undefined) return finish(oversize, '-');
    if (body === undefined) return finish(gatewayResponse(413, 'Request Entity Too Large'), '-');
    const request: HttpRequest = {
      method,
      url,
      headers: incoming.headers,
      body,
      sourceIp: incoming.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
      protocol: `HTTP/${incoming.httpVersion}`,
    };
    const path = url.split('?')[0] as string;
    const match = matchRoute(this.api.routes, method, path);
    if (
      cors &&
      method === 'OPTIONS' &&
      origin !== undefined &&
      incoming.headers['access-control-request-method']
    ) {
      if (match === undefined || match.route.method !== 'OPTIONS')
        return this.preflight(response, cors, origin, requestId);
    }
    if (match === undefined) return finish(gatewayResponse(404, 'Not Found'), '-');
    const { route } = match;
    const parts = requestParts(request, this.info, route.routeKey, requestId);
    let authorizerContext: Record<string, unknown> | undefined;
    if (route.authorizer !== undefined) {
      const auth = this.api.authorizers.get(route.authorizer);
      if (auth === undefined)
        return finish(gatewayResponse(500, 'Internal Server Error'), route.routeKey);
      const outcome = await this.authorizers.authorize(auth, this.info, match, parts);
      if (!outcome.allowed) return finish(outcome.response, route.routeKey);
      authorizerContext = outcome.context;
    }
    const event = httpApiEvent(request, match, parts, authorizerContext);
    let timer: NodeJS.Timeout | undefined;
    const integrationTimeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), route.timeoutMs);
    });
    const result = await Promise.race([this.invoke(route.functionId, event), integrationTimeout]);
    clearTimeout(timer);
    if (result === 'timeout')
      return finish(gatewayResponse(503, 'Service Unavailable'), route.routeKey);
    if (!result.ok) return finish(gatewayResponse(500, 'Internal Server Error'), route.routeKey);
    return finish(mapLambdaResponse(result.payload ?? 'null'), route.routeKey);
  }

  private preflight(response: ServerResponse, cors: CorsModel, origin: string, requestId: string) {
    const headers = corsHeaders(cors, origin);
    if (Object.keys(headers).length > 0) {
      headers['access-control-allow-methods'] = cors.allowMethods.includes('*')
        ? 'GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS'
        : cors.allowMethods.join(',');
      headers['access-control-allow-headers'] = cors.allowHeaders.join(',');
      if (cors.maxAge !== undefined) headers['access-control-max-age'] = String(cors.maxAge);
    }
    this.send(
      response,
      { statusCode: 204, headers, cookies: [], body: Buffer.alloc(0) },
      requestId,
      {},
    );
  }
}
