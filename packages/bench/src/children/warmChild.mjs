// In-process baseline for warm invocations and API load: this process has the function's environment,
// imports its bundle once (module scope runs once, as in a warm Lambda environment) and
// calls the handler directly, timing each call. Driven over IPC by the parent, in rounds
// interleaved with the same function invoked through local-cloud's runner.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const [file, timeoutSeconds] = [process.argv[2], Number(process.argv[3] ?? 30)];
const { handler } = await import(pathToFileURL(file).href);

const context = () => {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:000000000000:function:${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: randomUUID(),
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
};

// Load mode: `connections` callers, each calling the handler again as soon as it answers,
// for `durationMs` (after `warmupMs` not counted); every call gets its own copy of the event.
// `windowCalls` counts the warm-up's calls too (lib/cpu.ts divides the whole load's CPU time).
const load = async ({ event, connections, durationMs, warmupMs }) => {
  let windowCalls = 0;
  const run = async (ms, record) => {
    const end = performance.now() + ms;
    const caller = async () => {
      while (performance.now() < end) {
        const started = performance.now();
        let failure;
        try {
          const result = await handler(structuredClone(event), context());
          const status = result?.statusCode;
          if (!(status >= 200 && status < 300)) failure = `status ${status}`;
        } catch (error) {
          failure = String(error);
        }
        windowCalls++;
        if (record) record(performance.now() - started, failure);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: connections }, caller));
    return (performance.now() - started) / 1000;
  };
  if (warmupMs > 0) await run(warmupMs);
  const latenciesMs = [];
  const failures = [];
  const seconds = await run(durationMs, (ms, failure) => {
    latenciesMs.push(ms);
    if (failure !== undefined) failures.push(failure);
  });
  return {
    latenciesMs,
    seconds,
    failures: failures.length,
    firstFailure: failures[0],
    windowCalls,
  };
};

process.on('message', async (message) => {
  if (message.load) {
    process.send(await load(message.load));
    return;
  }
  const latenciesMs = [];
  const results = [];
  for (const event of message.events) {
    const started = performance.now();
    try {
      // Each event arrived as its own copy (IPC deserialised it): nothing is shared.
      const result = await handler(event, context());
      latenciesMs.push(performance.now() - started);
      results.push({ ok: true, payload: JSON.stringify(result ?? null) });
    } catch (error) {
      latenciesMs.push(performance.now() - started);
      results.push({ ok: false, error: String(error) });
    }
  }
  process.send({ latenciesMs, results });
});
process.send({ ready: true });
