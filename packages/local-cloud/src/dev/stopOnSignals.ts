import type { RunnerLog } from './log.js';

/** Options for {@link stopOnSignals}. */
export interface StopOnSignalsOptions {
  log: RunnerLog;
  /** Stops everything the process started; awaited before the process exits. */
  stop: () => Promise<void>;
  /** After this long the process exits even if `stop` has not finished (default 10 s). */
  graceMs?: number;
  /** How often to check that the parent is still there (default 500 ms). */
  parentCheckMs?: number;
  exit?: (code: number) => void;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Stop cleanly on SIGINT, SIGTERM and SIGHUP, and when the parent process goes away.
 *
 * The parent check is for `pnpm dev`: pnpm runs the script through `sh -c`, and a SIGTERM
 * to pnpm reaches that shell, which dies without passing it on; the CLI is then an orphan
 * (its parent id changes) and stops as if it had been signalled. A second signal exits at
 * once. Returns a function that removes the handlers.
 */
export const stopOnSignals = (options: StopOnSignalsOptions): (() => void) => {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const parent = process.ppid;
  let stopping = false;
  let watchParent: NodeJS.Timeout | undefined;
  const shutdown = (reason: string) => {
    clearInterval(watchParent);
    if (stopping) {
      options.log.warn(`${reason} again: exiting without waiting`);
      exit(1);
      return;
    }
    stopping = true;
    options.log.info(`stopping (${reason}) ...`);
    const force = setTimeout(() => {
      options.log.warn('stop took too long: exiting anyway');
      exit(1);
    }, options.graceMs ?? 10_000);
    force.unref();
    void options
      .stop()
      .catch((error: unknown) => options.log.error(`while stopping: ${(error as Error).message}`))
      .finally(() => {
        clearTimeout(force);
        exit(0);
      });
  };
  const handlers = SIGNALS.map((signal) => {
    const handler = () => shutdown(signal);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  watchParent = setInterval(() => {
    if (process.ppid !== parent) shutdown(`parent process ${parent} exited`);
  }, options.parentCheckMs ?? 500);
  watchParent.unref();
  return () => {
    clearInterval(watchParent);
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
};
