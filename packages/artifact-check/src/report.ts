import type { CaseOutcome } from './runCases.ts';

const ms = (value: number) => `${value.toFixed(0)} ms`;

/**
 * One line per case; failures with what is wrong and the function's last log lines (once per
 * function and problem: a function that cannot start fails every case the same way).
 */
export const createPrinter = (out: (line: string) => void) => {
  const seen = new Set<string>();
  return (outcome: CaseOutcome): void => printOutcome(outcome, out, seen);
};

const printOutcome = (
  outcome: CaseOutcome,
  out: (line: string) => void,
  seen: Set<string>,
): void => {
  const { case: c } = outcome;
  const event = c.event.replace(/^events\//, '');
  const adapted = c.adapt ? ' [adapted]' : '';
  const cold =
    outcome.initDurationMs === undefined ? '' : `, cold start ${ms(outcome.initDurationMs)}`;
  if (outcome.ok) {
    out(
      `ok    ${c.functionId.padEnd(20)} ${event}${adapted}: ${c.title} (${outcome.summary}${cold})`,
    );
    return;
  }
  out(`FAIL  ${c.functionId.padEnd(20)} ${event}${adapted}: ${c.title}`);
  const key = `${c.functionId}\n${outcome.problems.join('\n')}`;
  if (seen.has(key)) {
    out(`        same failure as above: ${outcome.problems[0]?.slice(0, 160)}`);
    return;
  }
  seen.add(key);
  for (const problem of outcome.problems) out(`        ${problem}`);
  if (outcome.logs.length > 0) {
    out('        function output (last lines):');
    for (const line of outcome.logs) out(`          ${line.slice(0, 400)}`);
  }
};

/** The closing lines; returns whether everything passed. */
export const printSummary = (
  outcomes: readonly CaseOutcome[],
  /** Problems outside the cases: the mapping, provisioning. */
  problems: readonly string[],
  durationMs: number,
  out: (line: string) => void,
): boolean => {
  const failed = outcomes.filter((o) => !o.ok);
  const functions = new Set(outcomes.map((o) => o.case.functionId));
  const inits = outcomes.flatMap((o) => (o.initDurationMs === undefined ? [] : [o.initDurationMs]));
  out('');
  out(
    `artifact-check: ${outcomes.length} cases on ${functions.size} functions, ${outcomes.length - failed.length} passed, ${failed.length} failed${problems.length > 0 ? `; ${problems.length} other problem(s) (above)` : ''}; ${inits.length} cold starts (max ${ms(Math.max(0, ...inits))}); ${(durationMs / 1000).toFixed(1)} s`,
  );
  if (failed.length > 0 || problems.length > 0) {
    const names = [...new Set(failed.map((o) => o.case.functionId))];
    const reasons = [...(names.length > 0 ? [names.join(', ')] : []), ...problems];
    out(`artifact-check FAILED: ${reasons.join('; ')}`);
    return false;
  }
  out(
    'artifact-check passed: every built function ran under aws-lambda-ric with every sample event.',
  );
  return true;
};
