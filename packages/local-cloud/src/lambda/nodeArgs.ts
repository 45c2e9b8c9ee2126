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
