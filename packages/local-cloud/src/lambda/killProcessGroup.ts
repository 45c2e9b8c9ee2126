import type { ChildProcess } from 'node:child_process';

/**
 * SIGKILL the process group a child spawned with `detached: true` leads: the child and
 * everything it started that did not move to a group of its own. A group already gone is fine.
 *
 * @example
 * const child = spawn('sh', ['-c', 'sleep 30 & wait'], { detached: true });
 * killProcessGroup(child);
 */
export const killProcessGroup = (child: ChildProcess): void => {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch (error) {
    // Not a group leader after all (or not allowed): the child itself at least.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') child.kill('SIGKILL');
  }
};
