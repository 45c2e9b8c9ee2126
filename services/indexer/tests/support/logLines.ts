import { vi } from 'vitest';

/**
 * Every JSON line written to stdout or stderr from now on (Powertools Logger writes warnings
 * and errors to stderr), parsed, in order; `vi.restoreAllMocks()` ends the capture.
 */
export const captureLogLines = (): Record<string, unknown>[] => {
  const lines: Record<string, unknown>[] = [];
  const capture = (chunk: unknown) => {
    for (const line of String(chunk).split('\n')) {
      if (line.trim() !== '') lines.push(JSON.parse(line));
    }
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return lines;
};
