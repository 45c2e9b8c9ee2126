import { onTestFinished, vi } from 'vitest';

/** What {@link captureOutput} returns. */
export interface CapturedOutput {
  /** Log items (JSON lines with a `message`), stdout and stderr in the order written. */
  logs(): Record<string, unknown>[];
  /** Embedded-metric-format items (JSON lines with `_aws`). */
  metrics(): Record<string, unknown>[];
  /** Put stdout and stderr back (idempotent: a second call, or one after the test, does nothing). */
  restore(): void;
}

/**
 * Capture the JSON lines a function writes while a test runs it: Powertools Logger writes INFO
 * to stdout, WARN and ERROR to stderr; Metrics writes EMF to stdout. Nothing reaches the
 * terminal until `restore()`.
 *
 * Called inside a test (its body or a `beforeEach`), the capture also ends when the test
 * finishes, passed or failed: a test that throws before its `restore()` cannot leave stdout and
 * stderr swallowed for the files after it (unit files share a worker, `isolate: false`).
 * Called outside a test (`beforeAll`, module scope), the caller must restore it.
 *
 * @example
 * const output = captureOutput();
 * await handler(event, context);
 * output.restore();
 * expect(output.logs()).toContainEqual(expect.objectContaining({ correlation_id: 'm-1' }));
 */
export const captureOutput = (): CapturedOutput => {
  const chunks: string[] = [];
  const record = (chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(record),
    vi.spyOn(process.stderr, 'write').mockImplementation(record),
  ];
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    for (const spy of spies) spy.mockRestore();
  };
  try {
    onTestFinished(restore);
  } catch {
    // Not inside a test ("can only be called inside a test"): restoring is the caller's.
  }
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    logs: () => lines().filter((line) => typeof line.message === 'string'),
    metrics: () => lines().filter((line) => line._aws !== undefined),
    restore,
  };
};
