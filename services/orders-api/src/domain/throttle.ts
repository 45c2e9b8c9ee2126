/**
 * A gate that opens at most once per `intervalMs`: each call answers whether the guarded
 * action may run now, and an open answer starts the next interval. The first call opens it.
 * Used to re-read signing keys after a mismatch without letting a flood of forged tokens or
 * cursors turn into a flood of Secrets Manager calls.
 *
 * @example
 * const mayRefresh = onceEvery(30_000);
 * if (!valid && mayRefresh()) valid = check(await keys.refresh());
 */
export const onceEvery = (intervalMs: number, now: () => number = Date.now): (() => boolean) => {
  let last = Number.NEGATIVE_INFINITY;
  return () => {
    const at = now();
    if (at - last < intervalMs) return false;
    last = at;
    return true;
  };
};
