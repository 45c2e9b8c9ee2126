import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BackendClients, Backends } from '@shop/local-cloud';
import { ArtifactFunction } from './ArtifactFunction.ts';
import { functionLayers, layOut } from './artifacts.ts';
import type { Case, CaseContext, StackProfile } from './cases/types.ts';
import { checkResponse, parsePayload } from './checkResponse.ts';
import { explainFailure } from './explain.ts';
import type { RuntimeClient } from './runtimeClient.ts';
import { type ProvisionedStack, provisionProfile } from './stacks.ts';

/** How one case went. */
export interface CaseOutcome {
  case: Case;
  ok: boolean;
  /** Response summary and the effects checked, when ok. */
  summary: string;
  problems: string[];
  /** The function's last log lines, when it failed. */
  logs: string[];
  durationMs: number;
  initDurationMs?: number;
}

/** Options for {@link CaseRunner}. */
export interface CaseRunnerOptions {
  repoRoot: string;
  templatePath: string;
  profiles: Record<string, StackProfile>;
  backends: Backends;
  clients: BackendClients;
  runtimeClient: RuntimeClient;
  /** Where functions are laid out (var/task, opt), one folder per stack and function. */
  scratchDir: string;
  echo?: (line: string) => void;
}

/** A path relative to the repository when inside it, else absolute. */
export const shortPath = (repoRoot: string, file: string): string => {
  const relative = path.relative(repoRoot, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
};

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Runs cases in order against provisioned stacks, one warm environment per function. */
export class CaseRunner {
  private readonly options: CaseRunnerOptions;
  private readonly stacks = new Map<string, Promise<ProvisionedStack>>();
  private readonly functions = new Map<string, Promise<ArtifactFunction>>();
  private readonly state = new Map<string, string>();

  constructor(options: CaseRunnerOptions) {
    this.options = options;
  }

  stack(profileId: string): Promise<ProvisionedStack> {
    let stack = this.stacks.get(profileId);
    if (stack === undefined) {
      const profile = this.options.profiles[profileId];
      if (profile === undefined) throw new Error(`no stack profile ${profileId}`);
      const { templatePath, clients } = this.options;
      stack = provisionProfile(profileId, profile, templatePath, clients);
      this.stacks.set(profileId, stack);
    }
    return stack;
  }

  private fn(stack: ProvisionedStack, functionId: string): Promise<ArtifactFunction> {
    const key = `${stack.id}/${functionId}`;
    let fn = this.functions.get(key);
    if (fn === undefined) {
      fn = (async () => {
        const model = stack.model.functions.get(functionId);
        if (model === undefined)
          throw new Error(`the built template has no function ${functionId}`);
        if (model.problem !== undefined) throw new Error(`${functionId}: ${model.problem}`);
        const layers = functionLayers(
          stack.stack,
          functionId,
          path.dirname(this.options.templatePath),
        );
        const root = path.join(this.options.scratchDir, stack.id, functionId);
        const layout = await layOut(functionId, model.codeDir, layers, root);
        return new ArtifactFunction(model, layout, {
          backendEnv: this.options.backends.env,
          runtimeClient: this.options.runtimeClient,
          ...(this.options.echo ? { echo: this.options.echo } : {}),
        });
      })();
      this.functions.set(key, fn);
    }
    return fn;
  }

  async run(testCase: Case): Promise<CaseOutcome> {
    const started = performance.now();
    const outcome = (ok: boolean, summary: string, problems: string[], extra = {}) => ({
      case: testCase,
      ok,
      summary,
      problems,
      logs: [],
      durationMs: performance.now() - started,
      ...extra,
    });
    let ctx: CaseContext;
    let fn: ArtifactFunction;
    let event: unknown;
    try {
      const stack = await this.stack(testCase.stack);
      ctx = { ...this.options, stack, state: this.state };
      fn = await this.fn(stack, testCase.functionId);
      const file = path.join(this.options.repoRoot, testCase.event);
      event = JSON.parse(await readFile(file, 'utf8'));
      await testCase.prepare?.(ctx, event);
      if (testCase.adapt) event = await testCase.adapt.apply(event, ctx);
    } catch (error) {
      return outcome(false, '', [`setup: ${message(error)}`]);
    }
    const { result, lines } = await fn.invoke(event);
    const timing =
      result.initDurationMs === undefined ? {} : { initDurationMs: result.initDurationMs };
    if (!result.ok || result.error) {
      const error = result.error ?? { errorType: 'Unknown', errorMessage: 'no response' };
      const explanation = explainFailure(error, lines, {
        functionId: fn.logicalId,
        handler: fn.model.handler,
        codeDir: shortPath(this.options.repoRoot, fn.layout.sourceDir),
        taskFiles: await readdir(fn.layout.taskDir).catch(() => []),
        layers: fn.layout.layers,
        platform: `${process.platform}-${process.arch}`,
      });
      const raw = `${error.errorType}: ${error.errorMessage.split('\n')[0]}`;
      return {
        ...outcome(false, '', explanation ? [explanation, `(${raw})`] : [raw], timing),
        logs: lines.slice(-10),
      };
    }
    const problems: string[] = [];
    let summary = '';
    let response: unknown;
    try {
      response = parsePayload(result.payload);
      const expected =
        typeof testCase.expect === 'function' ? testCase.expect(ctx) : testCase.expect;
      summary = checkResponse(response, expected);
    } catch (error) {
      problems.push(`response: ${message(error)}`);
    }
    for (const effect of testCase.effects ?? []) {
      try {
        await effect.check(ctx, response, event);
      } catch (error) {
        problems.push(`${effect.what}: ${message(error)}`);
      }
    }
    const effects = testCase.effects?.length ?? 0;
    if (effects > 0) summary += `; ${effects} side effect${effects > 1 ? 's' : ''}`;
    return {
      ...outcome(problems.length === 0, summary, problems, timing),
      logs: problems.length > 0 ? lines.slice(-10) : [],
    };
  }

  async stop(): Promise<void> {
    const all = await Promise.allSettled([...this.functions.values()]);
    for (const fn of all) if (fn.status === 'fulfilled') await fn.value.stop();
  }
}
