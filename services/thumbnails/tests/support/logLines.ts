import { vi } from 'vitest';

/**
 * Capture the JSON lines written to stdout and stderr (Powertools Logger writes INFO to
 * stdout, WARN and ERROR to stderr; Metrics writes EMF to stdout).
 *
 * @example
 * const output = captureOutput();
 * await handler(event, context);
 * output.logs().filter((line) => line.message === 'thumbnails skipped');
 */
export const captureOutput = () => {
  const chunks: string[] = [];
  const record = (chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(record),
    vi.spyOn(process.stderr, 'write').mockImplementation(record),
  ];
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    /** Log items (objects with a `message`). */
    logs: () => lines().filter((line) => typeof line.message === 'string'),
    /** Embedded-metric-format items. */
    metrics: () => lines().filter((line) => line._aws !== undefined),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
};
