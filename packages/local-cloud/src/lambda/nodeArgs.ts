/**
 * The flags Lambda's Node.js runtime starts `node` with (the `bootstrap` script of its
 * base images): a tenth of `MemorySize` for the young generation (each semi-space half of
 * it), the rest for the old generation, `global.gc` exposed, and response headers up to
 * 80 KiB for the function's own HTTP calls. A function that runs out of heap, calls `gc()`
 * or reads a large header behaves here as it does there.
 */
export const lambdaNodeArgs = (memoryMb: number): string[] => {
  const youngMb = Math.floor(memoryMb / 10);
  return [
    '--expose-gc',
    '--max-http-header-size=81920',
    `--max-semi-space-size=${Math.floor(youngMb / 2)}`,
    `--max-old-space-size=${memoryMb - youngMb}`,
  ];
};

/**
 * How many calls V8 (13.6, in Node 24) lets a function make before it optimises it: Maglev
 * after 400, TurboFan after 3000, and neither within 500 calls of one of its inline caches
 * changing. A unit test reads them from `node --v8-options`, so a Node upgrade that changes
 * them fails it.
 */
export const V8_TIER_UP_CALLS = { maglev: 400, turbofan: 3000, afterIcUpdate: 500 } as const;

/** Which tier-up thresholds the environments start with (`--v8-tiering`). */
export type V8Tiering = 'scaled' | 'lambda';

/**
 * V8's tier-up call counts divided by the function's `environments`. Each environment
 * compiles and optimises the function's code on its own, from the calls it serves: with the
 * load spread over ten of them, each reaches V8's counts ten times later than one process
 * serving it all would, and runs unoptimised code for minutes of a local session (measured:
 * ten children serving GET /orders one call at a time went from 0.75x to 1.0x of one child
 * serving ten callers; see the README). Scaled, the function's code is optimised after as many
 * calls in all as in one process. It changes when V8 optimises, never what the code does;
 * `'lambda'` (or one environment) keeps V8's own counts, as Lambda runs it.
 */
export const tierUpArgs = (environments: number, tiering: V8Tiering = 'scaled'): string[] => {
  if (tiering === 'lambda' || environments <= 1) return [];
  const scaled = (calls: number) => Math.ceil(calls / environments);
  return [
    `--invocation-count-for-maglev=${scaled(V8_TIER_UP_CALLS.maglev)}`,
    `--invocation-count-for-turbofan=${scaled(V8_TIER_UP_CALLS.turbofan)}`,
    `--minimum-invocations-after-ic-update=${scaled(V8_TIER_UP_CALLS.afterIcUpdate)}`,
  ];
};

/**
 * The flags a function's Node environments start with: Lambda's ({@link lambdaNodeArgs}),
 * then the tier-up thresholds for its most `environments` ({@link tierUpArgs}).
 */
export const environmentNodeArgs = (
  memoryMb: number,
  environments: number,
  tiering: V8Tiering = 'scaled',
): string[] => [...lambdaNodeArgs(memoryMb), ...tierUpArgs(environments, tiering)];
