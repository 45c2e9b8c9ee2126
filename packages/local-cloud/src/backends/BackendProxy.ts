import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import inject from 'light-my-request';
import { requestOperation, requestService } from '../faults/awsRequest.js';
import { faultErrorAnswer } from '../faults/errorShapes.js';
import type { FaultSet } from '../faults/FaultSet.js';
import { FAULT_CONTROL_PATH, handleFaultControl } from '../faults/faultControl.js';
import type { FaultDecision, FaultService } from '../faults/types.js';

/** A request read whole, for an interceptor. */
export interface BufferedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** An answer read (or made) whole. */
export interface BufferedAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A backend-specific extension of the seam (e.g. DynamoDB Streams in front of dynalite):
 * it takes the requests it wants, whole, and answers them, forwarding what it needs to.
 */
export interface ProxyInterceptor {
  wants(headers: IncomingHttpHeaders): boolean;
  handle(
    request: BufferedRequest,
    forward: (request: BufferedRequest) => Promise<BufferedAnswer>,
  ): Promise<BufferedAnswer>;
}

/**
 * Sees requests and their answers without changing them (e.g. S3 object changes on their way
 * through): `wants` picks the requests (`answer`: status and headers; `bodies`: the request
 * and answer bodies too, read whole), `observe` runs after the backend answered and before
 * the caller hears the answer.
 */
export interface ProxyObserver {
  wants(
    service: FaultService | undefined,
    method: string,
    url: URL,
    headers: IncomingHttpHeaders,
  ): 'answer' | 'bodies' | undefined;
  observe(
    request: BufferedRequest & { url: URL },
    answer: BufferedAnswer,
    forward: (request: BufferedRequest) => Promise<BufferedAnswer>,
  ): Promise<void>;
}

export const readBody = async (message: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of message) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * A request's headers as the proxy passes them on: without `Expect: 100-continue`, which this
 * server answered already (the body follows at once).
 */
const forwardable = (headers: IncomingHttpHeaders): IncomingHttpHeaders => {
  const { expect: _expect, ...rest } = headers;
  return rest;
};

/** What a {@link BackendProxy} adds to plain forwarding. */
export interface BackendProxyOptions {
  interceptor?: ProxyInterceptor;
  observer?: ProxyObserver;
  /**
   * The backend's HTTP server when it runs in this process: requests no fault rule,
   * interceptor or observer concerns go straight to its request handler, and what an
   * interceptor forwards is injected into that handler (no loopback HTTP either way).
   */
  embedded?: Server;
}

/**
 * The one seam in front of a backend's port (each embedded backend, or an external endpoint
 * such as moto_server): an HTTP proxy that streams requests and answers through byte for
 * byte, and on the way
 * - applies the fault rules of a {@link FaultSet} (an AWS error in the protocol's shape, a
 *   delay before forwarding, an answer held back or a connection dropped after forwarding);
 *   bodies are read only when a rule concerns the request's service;
 * - hands the requests an interceptor wants to it (DynamoDB Streams on dynalite);
 * - serves the fault control API on `/_faults` (loopback callers only).
 */
export class BackendProxy {
  private readonly target: URL;
  private readonly faults: FaultSet;
  private readonly interceptor: ProxyInterceptor | undefined;
  private readonly observer: ProxyObserver | undefined;
  private readonly embedded: Server | undefined;
  private readonly server: Server;
  private readonly agent = new Agent({ keepAlive: true });

  constructor(target: string, faults: FaultSet, options: BackendProxyOptions = {}) {
    this.target = new URL(target);
    this.faults = faults;
    this.interceptor = options.interceptor;
    this.observer = options.observer;
    this.embedded = options.embedded;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`local-cloud proxy: ${String(error)}`);
      });
    });
  }

  /** Listen; resolves to the endpoint URL. */
  async listen(port: number, host: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, resolve);
    });
    return `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => {
        this.agent.destroy();
        resolve();
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const path = req.url ?? '/';
    const url = new URL(path, 'http://proxy');
    if (url.pathname === FAULT_CONTROL_PATH || url.pathname.startsWith(`${FAULT_CONTROL_PATH}/`)) {
      return handleFaultControl(req, res, url, this.faults);
    }
    const method = req.method ?? 'GET';
    const service = requestService(req.headers, url);
    const intercepted = this.interceptor?.wants(req.headers) === true;
    const consulted = this.faults.concerns(service);
    const observed = intercepted
      ? undefined
      : this.observer?.wants(service, method, url, req.headers);
    if (this.embedded !== undefined && !intercepted && !consulted && observed === undefined) {
      // Nothing to see on the way, and the backend runs in this process: it answers on the
      // caller's own connection, without a second HTTP exchange over loopback (per DynamoDB
      // call: one request and one answer fewer to write, read and parse here).
      this.embedded.emit('request', req, res);
      return;
    }
    // The backend's own Date header comes through with its answer.
    res.sendDate = false;
    const body =
      intercepted || consulted || observed === 'bodies' ? await readBody(req) : undefined;
    let decision: FaultDecision | undefined;
    if (consulted && body !== undefined) {
      const text = body.toString('utf8');
      const operation = requestOperation(service, method, url, req.headers, text);
      decision = this.faults.decide({
        ...(service ? { service } : {}),
        ...(operation ? { operation } : {}),
        method,
        path,
        body: text,
      });
    }
    if (decision && decision.delayMs > 0) {
      await sleep(decision.delayMs);
      // The caller gave up while the request was "on its way": it never arrives.
      if (req.socket.destroyed) return;
    }
    if (decision?.error) {
      if (body === undefined) req.resume();
      const answer = faultErrorAnswer(service, req.headers, url.pathname, decision.error);
      res.writeHead(answer.status, answer.headers);
      res.end(method === 'HEAD' ? undefined : answer.body);
      return;
    }
    if (intercepted && this.interceptor && body !== undefined) {
      const answer = await this.interceptor.handle(
        { method, path, headers: req.headers, body },
        (forwarded) => this.forwardWhole(forwarded),
      );
      if (await this.dropped(decision, res)) return;
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
      return;
    }
    const upstream = await this.open(method, path, req.headers, body ?? req);
    if (observed !== undefined && this.observer !== undefined) {
      // Seen before the caller hears the answer (a dropped answer: the write still happened).
      const status = upstream.statusCode ?? 502;
      const answerBody = observed === 'bodies' ? await readBody(upstream) : Buffer.alloc(0);
      await this.observer
        .observe(
          { method, path, url, headers: req.headers, body: body ?? Buffer.alloc(0) },
          { status, headers: upstream.headers, body: answerBody },
          (forwarded) => this.forwardWhole(forwarded),
        )
        .catch(() => undefined);
      if (observed === 'bodies') {
        if (await this.dropped(decision, res)) return;
        res.writeHead(status, upstream.statusMessage ?? '', upstream.rawHeaders);
        res.end(answerBody);
        return;
      }
    }
    if (await this.dropped(decision, res, upstream)) return;
    res.writeHead(upstream.statusCode ?? 502, upstream.statusMessage ?? '', upstream.rawHeaders);
    res.on('close', () => {
      if (!upstream.complete) upstream.destroy();
    });
    upstream.pipe(res);
  }

  /** Hold the answer back, then drop the connection if the rule says so. */
  private async dropped(
    decision: FaultDecision | undefined,
    res: ServerResponse,
    upstream?: IncomingMessage,
  ): Promise<boolean> {
    if (decision === undefined) return false;
    if (decision.holdResponseMs > 0) await sleep(decision.holdResponseMs);
    if (!decision.dropConnection) return false;
    upstream?.resume();
    res.socket?.destroy();
    return true;
  }

  private open(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: Buffer | IncomingMessage,
  ): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          host: this.target.hostname,
          port: this.target.port,
          method,
          path,
          headers: forwardable(headers),
          agent: this.agent,
        },
        resolve,
      );
      outgoing.on('error', reject);
      if (Buffer.isBuffer(body)) outgoing.end(body);
      else body.pipe(outgoing);
    });
  }

  private async forwardWhole(forwarded: BufferedRequest): Promise<BufferedAnswer> {
    const embedded = this.embedded;
    if (embedded !== undefined) {
      // An interceptor's request (e.g. a DynamoDB write whose stream record it records) goes
      // to the in-process backend's handler without a socket.
      const answer = await inject((req, res) => embedded.emit('request', req, res), {
        method: forwarded.method as NonNullable<inject.InjectOptions['method']>,
        url: forwarded.path,
        headers: forwardable(forwarded.headers),
        payload: forwarded.body,
        server: embedded,
        validate: false,
      });
      return {
        status: answer.statusCode,
        headers: answer.headers as IncomingHttpHeaders,
        body: answer.rawPayload,
      };
    }
    const response = await this.open(
      forwarded.method,
      forwarded.path,
      forwarded.headers,
      forwarded.body,
    );
    return {
      status: response.statusCode ?? 502,
      headers: response.headers,
      body: await readBody(response),
    };
  }
}
