// In-process baseline for warm invocations: this process has the function's environment,
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

process.on('message', async (message) => {
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
