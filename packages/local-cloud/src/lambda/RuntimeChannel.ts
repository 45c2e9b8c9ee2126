import type { Duplex } from 'node:stream';
import { MAX_RESPONSE_BYTES } from './constants.js';
import {
  invocationHeaders,
  parseRuntimeError,
  type RuntimeApiDelegate,
} from './RuntimeApiServer.js';

/**
 * The Runtime API's exchanges (next, response, error, init error) over the pipe the runner
 * opens to our own runtime client (`bootstrap.mjs --runtime-channel=<fd>`): the same
 * delegate as {@link RuntimeApiServer}, without HTTP. Per invocation, one frame to the
 * runtime (the invocation) and one write back (its answer and the request for the next one
 * together), instead of two HTTP exchanges with their parsing and a 202 to wake the runtime
 * up for. The HTTP Runtime API stays for every other runtime client (aws-lambda-ric ...).
 *
 * Frame: uint32 BE length of the rest, one type byte, uint32 BE length of a JSON header,
 * the header, the payload (raw bytes). Types from the runtime: `n` next, `r` response
 * (`{ id }`), `e` error (`{ id, type? }`, payload the error JSON), `i` init error
 * (`{ type? }`). To the runtime: `v` invocation (the Runtime API's `lambda-runtime-*`
 * headers, payload the event), `m` a line for the runtime's stderr.
 */
export class RuntimeChannel {
  private readonly socket: Duplex;
  private readonly delegate: RuntimeApiDelegate;
  private readonly closed = new AbortController();
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(socket: Duplex, delegate: RuntimeApiDelegate) {
    this.socket = socket;
    this.delegate = delegate;
    // The runtime wrote its output (stdout, stderr: synchronous pipes) before its answer, so
    // both are readable in the same poll phase: taking frames in the check phase after it lets
    // the function's log lines come before the invocation ends (and its REPORT line).
    socket.on('data', (chunk: Buffer) => setImmediate(() => this.onData(chunk)));
    socket.on('error', () => undefined);
    socket.on('close', () => this.closed.abort());
  }

  close(): void {
    this.closed.abort();
    this.socket.destroy();
  }

  private onData(chunk: Buffer) {
    this.pending.push(chunk);
    this.pendingBytes += chunk.byteLength;
    if (this.pendingBytes < 4) return;
    let buffer = this.pending.length === 1 ? chunk : Buffer.concat(this.pending);
    let offset = 0;
    while (buffer.byteLength - offset >= 4) {
      const length = buffer.readUInt32BE(offset);
      if (buffer.byteLength - offset - 4 < length) break;
      const start = offset + 4;
      offset = start + length;
      this.onFrame(buffer.subarray(start, offset));
    }
    buffer = buffer.subarray(offset);
    this.pending = buffer.byteLength > 0 ? [buffer] : [];
    this.pendingBytes = buffer.byteLength;
  }

  private onFrame(frame: Buffer) {
    const type = String.fromCharCode(frame[0] ?? 0);
    const headerLength = frame.readUInt32BE(1);
    const header =
      headerLength === 0
        ? {}
        : (JSON.parse(frame.toString('utf8', 5, 5 + headerLength)) as {
            id?: string;
            type?: string;
          });
    const payload = frame.subarray(5 + headerLength);
    switch (type) {
      case 'n':
        void this.next();
        return;
      case 'r': {
        const outcome = this.delegate.response(String(header.id), payload);
        if (outcome === 'too-large')
          this.write(
            'm',
            {},
            Buffer.from(
              JSON.stringify({
                errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
                errorType: 'RequestEntityTooLarge',
              }),
            ),
          );
        return;
      }
      case 'e':
        this.delegate.error(String(header.id), parseRuntimeError(payload, header.type));
        return;
      case 'i':
        this.delegate.initError(parseRuntimeError(payload, header.type));
        return;
    }
  }

  private async next() {
    const invocation = await this.delegate.next(this.closed.signal);
    if (invocation === undefined || this.closed.signal.aborted) return;
    this.write('v', invocationHeaders(invocation), Buffer.from(invocation.payload, 'utf8'));
  }

  private write(type: string, header: object, payload: Buffer) {
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const head = Buffer.allocUnsafe(9);
    head.writeUInt32BE(5 + json.byteLength + payload.byteLength, 0);
    head.write(type, 4, 'latin1');
    head.writeUInt32BE(json.byteLength, 5);
    this.socket.write(Buffer.concat([head, json, payload]));
  }
}
