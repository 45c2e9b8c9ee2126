import { describe, expect, it } from 'vitest';
import { lambdaNodeArgs } from '../../src/lambda/nodeArgs.js';

describe('lambdaNodeArgs', () => {
  it.each([
    [128, 6, 116],
    [512, 25, 461],
    [1536, 76, 1383],
    [10_240, 512, 9216],
  ])('gives %i MB a %i MB semi-space and %i MB of old space', (memoryMb, semi, old) => {
    expect(lambdaNodeArgs(memoryMb)).toEqual([
      '--expose-gc',
      '--max-http-header-size=81920',
      `--max-semi-space-size=${semi}`,
      `--max-old-space-size=${old}`,
    ]);
  });
});
