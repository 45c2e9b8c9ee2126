import type { Context } from 'aws-lambda';

/** What {@link lambdaContext} lets a test choose. */
export interface LambdaContextOptions {
  /** The function's name (defaults to `shop-TestFunction`). */
  functionName?: string;
  /** The invocation's timeout: remaining time counts down from it on the real clock. */
  timeoutMs?: number;
  /** Replace the countdown (a fixed or scripted remaining time). */
  remaining?: () => number;
  memoryLimitInMB?: number;
}

/**
 * A Lambda context as the runtime passes it to a handler: a fresh request id, an ARN and log
 * group named after the function, and `getRemainingTimeInMillis` counting down from the timeout.
 *
 * @example
 * await handler(event, lambdaContext({ functionName: 'shop-EmailFunction', timeoutMs: 30_000 }));
 */
export const lambdaContext = (options: LambdaContextOptions = {}): Context => {
  const functionName = options.functionName ?? 'shop-TestFunction';
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB ?? 512),
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/12/02/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: options.remaining ?? (() => deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
