/** An error as the Runtime API received it (`/error`, `/init/error`). */
export interface RuntimeErrorLike {
  errorType: string;
  errorMessage: string;
  stackTrace?: string[];
}

/** What the runner knows about the function whose invocation failed. */
export interface FailureContext {
  functionId: string;
  handler: string;
  /** The function's folder in the build output. */
  codeDir: string;
  /** Files in the laid-out /var/task. */
  taskFiles: string[];
  layers: string[];
  /** Host platform, e.g. linux-x64. */
  platform: string;
}

const handlerFile = (handler: string) => handler.slice(0, handler.lastIndexOf('.'));

/**
 * Turn a failed invocation (error and the function's log lines) into what is wrong with the
 * artifact, in words: the known ways a bundle that passed its unit tests still fails on
 * Lambda. Undefined when the error is none of those (the error itself is then the message).
 */
export const explainFailure = (
  error: RuntimeErrorLike,
  lines: readonly string[],
  ctx: FailureContext,
): string | undefined => {
  const text = [error.errorType, error.errorMessage, ...(error.stackTrace ?? []), ...lines].join(
    '\n',
  );
  const missing = /Cannot find (?:module|package) '([^']+)'/.exec(text)?.[1];
  const sharpPlatform = /Could not load the "sharp" module using the ([\w-]+) runtime/.exec(text);
  if (sharpPlatform) {
    const platform = sharpPlatform[1];
    return `sharp cannot load for ${platform}: ${ctx.layers.length > 0 ? `layer ${ctx.layers.join(', ')} has` : 'there is'} no @img/sharp-${platform} (or its libvips). The layer must carry the binaries of every architecture it runs on: linux-arm64 on Lambda, linux-x64 for sam local on most machines (this check runs on ${ctx.platform})`;
  }
  if (missing === 'sharp' || (missing?.includes('/sharp/') ?? false)) {
    return `sharp is not found: it must come from a layer mounted at /opt/nodejs/node_modules (${ctx.layers.length > 0 ? `layers: ${ctx.layers.join(', ')}` : 'the function has no Layers'}), never from a node_modules next to the bundle`;
  }
  if (missing !== undefined) {
    const file = handlerFile(ctx.handler);
    if (missing.includes(`/var/task/${file}`) || missing === file) {
      return `Handler "${ctx.handler}" does not resolve: no ${file}.js/.mjs/.cjs in ${ctx.codeDir} (files: ${ctx.taskFiles.join(', ') || 'none'})`;
    }
    return `the bundle imports "${missing}", which is not in the artifact: Lambda has no node_modules beside /var/task, so every dependency must be bundled (or come from a layer); check the function's externals`;
  }
  if (error.errorType === 'Runtime.HandlerNotFound') {
    return `Handler "${ctx.handler}" does not resolve: ${handlerFile(ctx.handler)} has no export "${ctx.handler.slice(ctx.handler.lastIndexOf('.') + 1)}" (${error.errorMessage})`;
  }
  if (error.errorType === 'Runtime.MalformedHandlerName') {
    return `Handler "${ctx.handler}" is malformed (expected <file>.<export>, e.g. index.handler)`;
  }
  const esmInCjs = /Cannot use import statement outside a module|Unexpected token 'export'/.test(
    text,
  );
  if (esmInCjs) {
    return `ESM/CJS mismatch: the bundle is an ES module but Node loads it as CommonJS (a .js file without "type": "module" beside it, or "type": "commonjs"); ship it as .mjs`;
  }
  const cjsInEsm =
    /\b(require|module|exports|__dirname|__filename) is not defined in ES module scope/.exec(text);
  if (cjsInEsm) {
    return `ESM/CJS mismatch: CommonJS code (${cjsInEsm[1]}) loaded as an ES module (.mjs, or "type": "module"); bundle as ESM, or ship CommonJS as .cjs`;
  }
  const dynamicRequire = /Dynamic require of "([^"]+)" is not supported/.exec(text);
  if (dynamicRequire) {
    return `ESM/CJS mismatch: the ESM bundle calls require("${dynamicRequire[1]}") (a CommonJS dependency bundled into ESM without a createRequire banner)`;
  }
  if (error.errorType === 'Runtime.UserCodeSyntaxError') {
    return `the bundle does not parse on Node 24: ${error.errorMessage}`;
  }
  if (error.errorType === 'Sandbox.Timedout') {
    return `timed out: ${error.errorMessage} (a backend the function waits for, or a hang)`;
  }
  return undefined;
};
