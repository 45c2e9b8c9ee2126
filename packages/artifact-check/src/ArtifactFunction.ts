import { type InvokeResult, LambdaFunction, type LocalStackModel } from '@shop/local-cloud/cloud';
import type { LambdaLayout } from './artifacts.ts';
import type { RuntimeClient } from './runtimeClient.ts';

type FunctionModel = LocalStackModel['functions'] extends Map<string, infer F> ? F : never;

/** One invocation: the Runtime API's outcome and what the function logged meanwhile. */
export interface Invocation {
  result: InvokeResult;
  lines: string[];
}

/** Options for {@link ArtifactFunction}. */
export interface ArtifactFunctionOptions {
  backendEnv: Readonly<Record<string, string>>;
  runtimeClient: RuntimeClient;
  /** Echo the function's output and REPORT lines (verbose mode). */
  echo?: (line: string) => void;
}

/**
 * A built function run as Lambda runs it: its laid-out copy of `.aws-sam/build` as
 * /var/task (cwd, LAMBDA_TASK_ROOT), its layers as /opt on NODE_PATH, AWS's aws-lambda-ric as
 * the runtime client (`node <ric>/index.mjs <Handler>`, `_HANDLER`) talking to local-cloud's
 * Lambda Runtime API, and the template's environment pointed at the local backends. Warm
 * between invocations, like one Lambda execution environment.
 */
export class ArtifactFunction {
  readonly model: FunctionModel;
  readonly layout: LambdaLayout;
  private readonly fn: LambdaFunction;
  private readonly lines: string[] = [];

  constructor(model: FunctionModel, layout: LambdaLayout, options: ArtifactFunctionOptions) {
    this.layout = layout;
    this.model = {
      ...model,
      codeDir: layout.taskDir,
      // Not reserved by Lambda, but set by the nodejs runtime for every function.
      environment: { ...model.environment, NODE_PATH: layout.nodePath },
    };
    const { runtimeClient, echo } = options;
    const capture = (line: string) => {
      this.lines.push(line);
      echo?.(`${model.logicalId} | ${line}`);
    };
    this.fn = new LambdaFunction(this.model, {
      backendEnv: options.backendEnv,
      runtimeCommand: {
        command: process.execPath,
        args: [runtimeClient.entry, this.model.handler],
      },
      runtimeDir: runtimeClient.dir,
      log: {
        function: (_id, _stream, line) => capture(line),
        report: (_id, result) =>
          echo?.(
            `${model.logicalId} | REPORT ${result.requestId} ${result.durationMs.toFixed(1)} ms${result.initDurationMs === undefined ? '' : ` (init ${result.initDurationMs.toFixed(1)} ms)`}${result.ok ? '' : ` ${result.error?.errorType}`}`,
          ),
        info: (message) => capture(`[runner] ${message}`),
        warn: (message) => capture(`[runner] ${message}`),
        error: (message) => capture(`[runner] ${message}`),
      },
    });
  }

  get logicalId(): string {
    return this.model.logicalId;
  }

  async invoke(event: unknown): Promise<Invocation> {
    const from = this.lines.length;
    const result = await this.fn.invoke(event);
    // Output written just before the response may still be in the pipe.
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { result, lines: this.lines.slice(from) };
  }

  stop(): Promise<void> {
    return this.fn.stop();
  }
}
