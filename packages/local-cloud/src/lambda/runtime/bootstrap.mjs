// A minimal Node.js runtime client for the Lambda Runtime API (2018-06-01), run by
// local-cloud in one child process per function. It does what the managed nodejs runtime
// does: load the handler named by _HANDLER from LAMBDA_TASK_ROOT once (module scope runs
// once per environment), then loop: GET /invocation/next, call the handler with the event
// and a context, POST /response or /error. Plain JavaScript on purpose: it runs as is.
//
// Started by local-cloud with `--runtime-channel=<fd>`, it makes the same exchanges over that
// pipe instead of HTTP (RuntimeChannel.ts has the frame format): the invocation arrives in
// one frame, and the answer goes back with the request for the next one in one write.
import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

const [host, port] = (process.env.AWS_LAMBDA_RUNTIME_API ?? '').split(':');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const BASE = '/2018-06-01/runtime';

const request = (method, urlPath, body, headers = {}) =>
  new Promise((resolve, reject) => {
    const req = http.request(
      { host, port: Number(port), method, path: urlPath, agent, headers: { ...headers } },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });

// The Runtime API over HTTP (any Lambda runtime client does this).
const httpTransport = () => ({
  async next() {
    return request('GET', `${BASE}/invocation/next`);
  },
  async respond(requestId, body) {
    const posted = await request('POST', `${BASE}/invocation/${requestId}/response`, body, {
      'content-type': 'application/json',
    });
    if (posted.status === 413) process.stderr.write(`${posted.body}\n`);
  },
  async fail(requestId, body) {
    await request('POST', `${BASE}/invocation/${requestId}/error`, JSON.stringify(body), {
      'content-type': 'application/json',
      'lambda-runtime-function-error-type': body.errorType,
    });
  },
  async initError(body) {
    await request('POST', `${BASE}/init/error`, JSON.stringify(body), {
      'lambda-runtime-function-error-type': body.errorType,
    });
  },
});

// The same exchanges over local-cloud's pipe: frames of uint32 length, type byte, uint32
// header length, JSON header, payload. An answer waits in `outbox` and leaves with the next
// `n` (ask for work) in one write; errors that end the process are flushed at once.
const channelTransport = (fd) => {
  const socket = new net.Socket({ fd, readable: true, writable: true });
  let waiting;
  let pending;
  let outbox = [];
  socket.on('data', (chunk) => {
    pending = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
    while (pending.byteLength >= 4) {
      const length = pending.readUInt32BE(0);
      if (pending.byteLength - 4 < length) break;
      const frame = pending.subarray(4, 4 + length);
      pending = pending.subarray(4 + length);
      const headerLength = frame.readUInt32BE(1);
      const header =
        headerLength > 0 ? JSON.parse(frame.toString('utf8', 5, 5 + headerLength)) : {};
      const body = frame.toString('utf8', 5 + headerLength);
      if (frame[0] === 0x76 /* v */) {
        const resolve = waiting;
        waiting = undefined;
        resolve?.({ headers: header, body });
      } else if (frame[0] === 0x6d /* m */) {
        process.stderr.write(`${body}\n`);
      }
    }
    if (pending.byteLength === 0) pending = undefined;
  });
  socket.on('error', () => undefined);
  // The runner is gone (even kill -9): so is this environment.
  socket.on('close', () => process.exit(0));
  const frame = (type, header, payload = '') => {
    const json = header === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(header));
    const body = Buffer.from(payload, 'utf8');
    const head = Buffer.allocUnsafe(9);
    head.writeUInt32BE(5 + json.byteLength + body.byteLength, 0);
    head.write(type, 4, 'latin1');
    head.writeUInt32BE(json.byteLength, 5);
    return [head, json, body];
  };
  const flush = (frames) =>
    new Promise((resolve) => socket.write(Buffer.concat(frames), () => resolve()));
  return {
    next() {
      const frames = [...outbox, ...frame('n')];
      outbox = [];
      return new Promise((resolve) => {
        waiting = resolve;
        socket.write(Buffer.concat(frames));
      });
    },
    async respond(requestId, body) {
      outbox.push(...frame('r', { id: requestId }, body));
    },
    async fail(requestId, body, { flushNow = false } = {}) {
      outbox.push(...frame('e', { id: requestId, type: body.errorType }, JSON.stringify(body)));
      if (flushNow) {
        const frames = outbox;
        outbox = [];
        await flush(frames);
      }
    },
    async initError(body) {
      await flush(frame('i', { type: body.errorType }, JSON.stringify(body)));
    },
  };
};

const channelArg = process.argv.findIndex((arg) => arg.startsWith('--runtime-channel='));
const transport =
  channelArg === -1
    ? httpTransport()
    : channelTransport(Number(process.argv[channelArg].slice('--runtime-channel='.length)));
// The handler sees the argv a Lambda runtime has.
if (channelArg !== -1) process.argv.splice(channelArg, 1);

const toRuntimeError = (error) => {
  if (error instanceof Error) {
    return {
      errorType: error.name || 'Error',
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n'),
    };
  }
  return { errorType: typeof error, errorMessage: format('%s', error), trace: [] };
};

// console.* as the managed runtime formats it: tab-separated text, or JSON lines when the
// function's LoggingConfig says JSON (with the level filter of ApplicationLogLevel).
let currentRequestId;
const LEVELS = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, FATAL: 5 };
const jsonLogs = process.env.AWS_LAMBDA_LOG_FORMAT === 'JSON';
const minLevel = LEVELS[(process.env.AWS_LAMBDA_LOG_LEVEL ?? 'TRACE').toUpperCase()] ?? 0;
const patch = (method, level, stream) => {
  console[method] = (...args) => {
    if (jsonLogs && LEVELS[level] < minLevel) return;
    const timestamp = new Date().toISOString();
    const message = format(...args);
    const line = jsonLogs
      ? JSON.stringify({ timestamp, level, requestId: currentRequestId, message })
      : `${timestamp}\t${currentRequestId ?? 'undefined'}\t${level}\t${message}`;
    stream.write(`${line}\n`);
  };
};
patch('log', 'INFO', process.stdout);
patch('info', 'INFO', process.stdout);
patch('debug', 'DEBUG', process.stdout);
patch('trace', 'TRACE', process.stdout);
patch('warn', 'WARN', process.stderr);
patch('error', 'ERROR', process.stderr);

const reportInitError = async (errorType, error) => {
  const body = { ...toRuntimeError(error), errorType };
  process.stderr.write(
    `${new Date().toISOString()}\tundefined\tERROR\tUncaught Exception \t${JSON.stringify(body)}\n`,
  );
  await transport.initError(body).catch(() => undefined);
  process.exit(1);
};

const loadHandler = async () => {
  const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const spec = process.env._HANDLER ?? '';
  const slash = spec.lastIndexOf('/');
  const dir = spec.slice(0, slash + 1);
  const rest = spec.slice(slash + 1);
  const dot = rest.indexOf('.');
  if (dot <= 0 || dot === rest.length - 1) {
    return reportInitError('Runtime.MalformedHandlerName', new Error(`Bad handler ${spec}`));
  }
  const moduleBase = path.resolve(root, dir, rest.slice(0, dot));
  const file = ['.mjs', '.js', '.cjs'].map((ext) => moduleBase + ext).find((f) => existsSync(f));
  if (file === undefined) {
    return reportInitError(
      'Runtime.ImportModuleError',
      new Error(`Error: Cannot find module '${dir}${rest.slice(0, dot)}' in ${root}`),
    );
  }
  let module;
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    const type =
      error instanceof SyntaxError ? 'Runtime.UserCodeSyntaxError' : 'Runtime.ImportModuleError';
    return reportInitError(type, error);
  }
  let handler = module;
  for (const key of rest.slice(dot + 1).split('.')) handler = handler?.[key];
  if (typeof handler !== 'function') {
    return reportInitError(
      'Runtime.HandlerNotFound',
      new Error(`${rest} is undefined or not exported`),
    );
  }
  return handler;
};

const context = (headers) => {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  const parse = (value) => (value ? JSON.parse(value) : undefined);
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: parse(headers['lambda-runtime-cognito-identity']),
    clientContext: parse(headers['lambda-runtime-client-context']),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
};

const postError = async (requestId, error, errorType, options) => {
  const body = toRuntimeError(error);
  if (errorType) body.errorType = errorType;
  process.stderr.write(
    `${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(body)}\n`,
  );
  await transport.fail(requestId, body, options);
};

const fatal = (errorType) => async (error) => {
  if (currentRequestId)
    await postError(currentRequestId, error, errorType, { flushNow: true }).catch(() => undefined);
  else process.stderr.write(`${format('%s', error?.stack ?? error)}\n`);
  process.exit(129);
};
process.on('uncaughtException', fatal(undefined));
process.on('unhandledRejection', fatal('Runtime.UnhandledPromiseRejection'));

const handler = await loadHandler();
for (;;) {
  const next = await transport.next();
  const requestId = next.headers['lambda-runtime-aws-request-id'];
  currentRequestId = requestId;
  if (next.headers['lambda-runtime-trace-id'])
    process.env._X_AMZN_TRACE_ID = next.headers['lambda-runtime-trace-id'];
  else delete process.env._X_AMZN_TRACE_ID;
  let body;
  try {
    const result = await handler(JSON.parse(next.body), context(next.headers));
    body = JSON.stringify(result === undefined ? null : result);
  } catch (error) {
    await postError(requestId, error);
  }
  if (body !== undefined) await transport.respond(requestId, body);
  currentRequestId = undefined;
}
