import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  environmentNodeArgs,
  lambdaNodeArgs,
  tierUpArgs,
  V8_TIER_UP_CALLS,
} from '../../src/lambda/nodeArgs.js';

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

describe('tierUpArgs', () => {
  it('divides V8’s tier-up call counts by the environments (rounded up)', () => {
    expect(tierUpArgs(10)).toEqual([
      '--invocation-count-for-maglev=40',
      '--invocation-count-for-turbofan=300',
      '--minimum-invocations-after-ic-update=50',
    ]);
    expect(tierUpArgs(3)).toEqual([
      '--invocation-count-for-maglev=134',
      '--invocation-count-for-turbofan=1000',
      '--minimum-invocations-after-ic-update=167',
    ]);
    expect(tierUpArgs(1000)).toEqual([
      '--invocation-count-for-maglev=1',
      '--invocation-count-for-turbofan=3',
      '--minimum-invocations-after-ic-update=1',
    ]);
  });

  it('keeps V8’s own counts for one environment, and when asked to run as Lambda does', () => {
    expect(tierUpArgs(1)).toEqual([]);
    expect(tierUpArgs(10, 'lambda')).toEqual([]);
    expect(environmentNodeArgs(512, 10, 'lambda')).toEqual(lambdaNodeArgs(512));
  });

  it('adds them after Lambda’s flags', () => {
    expect(environmentNodeArgs(512, 10)).toEqual([...lambdaNodeArgs(512), ...tierUpArgs(10)]);
  });

  it('starts from the counts this Node’s V8 has by default', () => {
    // A Node upgrade whose V8 changes its thresholds fails here, not silently in the bench.
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    const defaultOf = (flag: string) => {
      const match = new RegExp(`default: --${flag}=(\\d+)`).exec(options);
      if (match === null) throw new Error(`node --v8-options has no --${flag}`);
      return Number(match[1]);
    };
    expect({
      maglev: defaultOf('invocation-count-for-maglev'),
      turbofan: defaultOf('invocation-count-for-turbofan'),
      afterIcUpdate: defaultOf('minimum-invocations-after-ic-update'),
    }).toEqual(V8_TIER_UP_CALLS);
  });

  it('names flags this Node accepts', () => {
    // Act: node exits with "bad option" on a flag it does not know.
    const script = 'JSON.stringify(process.execArgv)';
    const flags = environmentNodeArgs(512, 10);
    const out = execFileSync(process.execPath, [...flags, '-p', script], { encoding: 'utf8' });

    // Assess
    expect(JSON.parse(out)).toEqual([...flags, '-p', script]);
  });
});
