import { describe, expect, it } from 'vitest';
import { onceEvery } from '../../src/domain/throttle.js';

describe('onceEvery', () => {
  it('opens on the first call, then once per interval', () => {
    let clock = 1_000;
    const gate = onceEvery(30_000, () => clock);
    expect(gate()).toBe(true);
    expect(gate()).toBe(false);
    clock += 29_999;
    expect(gate()).toBe(false);
    clock += 1;
    expect(gate()).toBe(true);
    expect(gate()).toBe(false);
  });

  it('counts the interval from the last opening, not from the last call', () => {
    let clock = 0;
    const gate = onceEvery(10, () => clock);
    expect(gate()).toBe(true);
    clock = 9;
    expect(gate()).toBe(false);
    clock = 10;
    expect(gate()).toBe(true);
    clock = 19;
    expect(gate()).toBe(false);
  });

  it('with a zero interval opens every time', () => {
    const gate = onceEvery(0, () => 5);
    expect([gate(), gate(), gate()]).toEqual([true, true, true]);
  });
});
