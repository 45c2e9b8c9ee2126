import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { consoleLog, type InvokeResult, type RunnerLog } from '@shop/local-cloud/cloud';

/** One finished invocation, as the runner's REPORT line states it. */
export interface Invocation {
  functionId: string;
  requestId: string;
  ok: boolean;
  /** `Sandbox.Timedout` when Lambda's timeout killed it, the handler's error type otherwise. */
  errorType?: string;
  durationMs: number;
  /** Epoch ms when the runner reported it. */
  at: number;
}

/**
 * The runner's log, written to `file` as `pnpm dev` prints it (every function line, every
 * REPORT line), with each invocation's outcome also kept in memory for assertions.
 */
export const invocationLog = (file: string): RunnerLog & { invocations: Invocation[] } => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '');
  const log = consoleLog({ write: (text) => appendFileSync(file, text) });
  const invocations: Invocation[] = [];
  return {
    ...log,
    invocations,
    report(functionId: string, result: InvokeResult, memoryMb: number) {
      invocations.push({
        functionId,
        requestId: result.requestId,
        ok: result.ok,
        ...(result.error ? { errorType: result.error.errorType } : {}),
        durationMs: result.durationMs,
        at: Date.now(),
      });
      log.report(functionId, result, memoryMb);
    },
  };
};

/** Invocations per function: how many, how many failed, how many hit the function's timeout. */
export const invocationSummary = (invocations: readonly Invocation[]) => {
  const summary: Record<string, { invocations: number; failed: number; timedOut: number }> = {};
  for (const invocation of invocations) {
    const entry = summary[invocation.functionId] ?? { invocations: 0, failed: 0, timedOut: 0 };
    summary[invocation.functionId] = entry;
    entry.invocations += 1;
    if (!invocation.ok) entry.failed += 1;
    if (invocation.errorType === 'Sandbox.Timedout') entry.timedOut += 1;
  }
  return summary;
};
