import type { ImageRenderer, RenderedImage } from '../domain/ports.js';

/**
 * An {@link ImageRenderer} made on first use. sharp's native module (libvips, ~80 ms) is the
 * largest part of ThumbnailsFunction's init; behind this, it loads with the first image instead
 * of at cold start, so removals, repeated events and skips found by the HEAD never pay for it.
 * If making the renderer fails (sharp missing), that render fails and the next one tries again.
 *
 * @example
 * const renderer = new LazyImageRenderer(() => new SharpImageRenderer(loadSharp(), options));
 */
export class LazyImageRenderer implements ImageRenderer {
  readonly #create: () => ImageRenderer;
  #renderer: ImageRenderer | undefined;

  constructor(create: () => ImageRenderer) {
    this.#create = create;
  }

  async render(source: Uint8Array, widths: readonly number[]): Promise<RenderedImage[]> {
    this.#renderer ??= this.#create();
    return this.#renderer.render(source, widths);
  }
}
