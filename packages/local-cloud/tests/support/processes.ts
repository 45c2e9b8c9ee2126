import { readFileSync } from 'node:fs';

/**
 * Has the process ended? Gone (ESRCH), or a zombie: killed and waiting for init to reap it,
 * which on some machines takes seconds.
 *
 * @example
 * await vi.waitFor(() => expect(hasEnded(pid)).toBe(true), { timeout: 10_000 });
 */
export const hasEnded = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
};
