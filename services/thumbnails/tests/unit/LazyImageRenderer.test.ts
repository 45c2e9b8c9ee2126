import { describe, expect, it } from 'vitest';
import { LazyImageRenderer } from '../../src/adapters/LazyImageRenderer.js';
import { FakeRenderer } from '../support/fakes.js';

describe('LazyImageRenderer', () => {
  it('makes its renderer on the first render, once, and passes every render through', async () => {
    // Prepare
    const made: FakeRenderer[] = [];
    const lazy = new LazyImageRenderer(() => {
      const renderer = new FakeRenderer();
      made.push(renderer);
      return renderer;
    });
    const source = new Uint8Array([1]);

    // Act
    const before = made.length;
    const first = await lazy.render(source, [512, 128]);
    await lazy.render(source, [64]);

    // Assess
    expect(before).toBe(0);
    expect(made).toHaveLength(1);
    expect(made[0]?.calls).toEqual([[512, 128], [64]]);
    expect(first.map((image) => image.width)).toEqual([512, 128]);
  });

  it('fails the render when the renderer cannot be made, and tries again on the next', async () => {
    // Prepare
    let attempts = 0;
    const lazy = new LazyImageRenderer(() => {
      attempts += 1;
      if (attempts === 1) throw new Error("Cannot find module 'sharp'");
      return new FakeRenderer();
    });

    // Act
    const failed = lazy.render(new Uint8Array([1]), [128]);

    // Assess
    await expect(failed).rejects.toThrow("Cannot find module 'sharp'");
    await expect(lazy.render(new Uint8Array([1]), [128])).resolves.toHaveLength(1);
    expect(attempts).toBe(2);
  });
});
