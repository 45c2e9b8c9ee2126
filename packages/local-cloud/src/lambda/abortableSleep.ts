/**
 * Wait `ms`, or less if `signal` aborts first (resolves either way, leaving no timer or
 * listener behind).
 *
 * @example
 * await abortableSleep(1000, controller.signal);
 */
export const abortableSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
