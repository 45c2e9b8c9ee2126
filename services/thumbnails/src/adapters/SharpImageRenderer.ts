import { ImageRejectedError } from '../domain/errors.js';
import { sniffImageFormat } from '../domain/imageFormat.js';
import type { ImageRenderer, RenderedImage } from '../domain/ports.js';
import { SKIP_REASONS } from '../domain/skipReasons.js';
import type { Sharp } from './loadSharp.js';

export interface SharpImageRendererOptions {
  /** Decompression-bomb limit: width x height of the source. */
  maxPixels: number;
  webpQuality: number;
}

type Size = { width: number; height: number };
type Pixels = { data: Buffer; info: Size & { channels: 1 | 2 | 3 | 4 } };

const isPixelLimitError = (error: unknown) =>
  error instanceof Error && /pixel limit/i.test(error.message);

/**
 * The size a `box x box` thumbnail of a `width x height` image has: fits inside the box, keeps
 * the aspect ratio, never enlarged. The same rounding as sharp's `fit: 'inside'` on the full
 * image (libvips rounds the scaled side to the nearest pixel), so every size is exactly what a
 * full decode would give, whatever scale the decoder shrank to on load.
 */
export const fitInside = ({ width, height }: Size, box: number): Size => {
  if (width <= box && height <= box) return { width, height };
  return width >= height
    ? { width: box, height: Math.max(1, Math.round((height * box) / width)) }
    : { width: Math.max(1, Math.round((width * box) / height)), height: box };
};

/**
 * WebP `effort` (libwebp's method) per output size. Effort 2 encodes a 1024 px thumbnail in
 * about 40 % of the time of the default 4 (the largest share of a render), for about 3 % more
 * bytes and an SSIM within 0.003 (bench/thumbnails.bench.mjs measures both). Below
 * SMALL_OUTPUT_PIXELS an encode costs a few milliseconds at any effort, so the small sizes
 * keep the default's rate-distortion search.
 */
const FAST_EFFORT = 2;
const DEFAULT_EFFORT = 4;
const SMALL_OUTPUT_PIXELS = 256 * 256;
const effortFor = ({ width, height }: Size) =>
  width * height <= SMALL_OUTPUT_PIXELS ? DEFAULT_EFFORT : FAST_EFFORT;

const sameSize = (a: Size, b: Size) => a.width === b.width && a.height === b.height;

/**
 * Thumbnails with sharp, decoding each source once:
 * 1. magic bytes decide whether it is an image at all (not the file name);
 * 2. `metadata()` reads only the header: dimensions are checked against the pixel limit
 *    before a single pixel is decoded (a 50000x50000 PNG header is refused here), and give
 *    every output's exact size (`fitInside`, in the EXIF-oriented frame);
 * 3. one decode renders the largest size: shrink-on-load (libjpeg scales JPEG by 1/2, 1/4 or
 *    1/8 while decoding, libwebp to any scale) to the smallest scale that still covers that
 *    size, then a lanczos3 resize to it, EXIF orientation applied, sRGB, raw pixels out;
 * 4. each smaller size is resized from the pixels of the next larger one (1024 -> 512 -> 128),
 *    never from the source again; each size is encoded as soon as its pixels exist, sizes
 *    that come out identical (a small source) are encoded once.
 * Outputs are WebP with no metadata at all: sharp writes EXIF, XMP, ICC or GPS only when asked
 * (`withMetadata`/`keepMetadata`), and raw pixels carry none anyway.
 */
export class SharpImageRenderer implements ImageRenderer {
  readonly #sharp: Sharp;
  readonly #options: SharpImageRendererOptions;

  constructor(sharp: Sharp, options: SharpImageRendererOptions) {
    this.#sharp = sharp;
    this.#options = options;
  }

  async render(source: Uint8Array, widths: readonly number[]): Promise<RenderedImage[]> {
    if (source.byteLength === 0) throw new ImageRejectedError(SKIP_REASONS.empty, 'zero bytes');
    const sniffed = sniffImageFormat(source);
    if (sniffed.kind === 'unknown') {
      throw new ImageRejectedError(SKIP_REASONS.notAnImage, 'no known image signature');
    }
    if (sniffed.kind === 'unsupported') {
      throw new ImageRejectedError(SKIP_REASONS.unsupportedFormat, `format ${sniffed.format}`);
    }
    const input = {
      limitInputPixels: this.#options.maxPixels,
      // Abort on decoder errors and truncated data; tolerate mere warnings, which real
      // cameras and editors produce all the time.
      failOn: 'error',
      animated: false,
      // EXIF orientation applied after the resize, so shrink-on-load still applies.
      autoOrient: true,
    } as const;

    const oriented = await this.#header(source, input);
    const boxes = [...new Set(widths)].sort((a, b) => b - a);
    const largest = boxes[0];
    if (largest === undefined) return [];
    let pixels: Pixels;
    try {
      // Exact width and height (fill): sharp picks the shrink-on-load scale from them and
      // the output can never be off by one from a full decode's size.
      const { data, info } = await this.#sharp(source, input)
        .resize({ ...fitInside(oriented, largest), fit: 'fill' })
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      pixels = { data, info: info as Pixels['info'] };
    } catch (error) {
      if (isPixelLimitError(error)) {
        throw new ImageRejectedError(
          SKIP_REASONS.tooManyPixels,
          `${oriented.width}x${oriented.height}`,
          { cause: error },
        );
      }
      throw new ImageRejectedError(SKIP_REASONS.corrupt, 'decoding failed', { cause: error });
    }

    // Encodes run on libuv's pool while the next size is resized (each libvips pipeline is
    // single-threaded on glibc, sharp's default there).
    const encoded = new Map<number, Promise<RenderedImage>>();
    let previous: { size: Size; encoding: Promise<RenderedImage> } | undefined;
    for (const box of boxes) {
      const size = fitInside(oriented, box);
      let encoding: Promise<RenderedImage>;
      if (previous !== undefined && sameSize(previous.size, size)) {
        encoding = previous.encoding.then((image) => ({ ...image, width: box }));
      } else {
        if (!sameSize(pixels.info, size)) pixels = await this.#resize(pixels, size);
        encoding = this.#encode(pixels, box);
        previous = { size, encoding };
      }
      // A failed encode is reported by the Promise.all below; until then (the loop awaits
      // resizes) it must not count as an unhandled rejection, which would end the process.
      encoding.catch(() => undefined);
      encoded.set(box, encoding);
    }
    return Promise.all(widths.map((box) => encoded.get(box) as Promise<RenderedImage>));
  }

  async #resize(pixels: Pixels, size: Size): Promise<Pixels> {
    const { data, info } = await this.#sharp(pixels.data, { raw: pixels.info })
      .resize({ ...size, fit: 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, info: info as Pixels['info'] };
  }

  async #encode(pixels: Pixels, box: number): Promise<RenderedImage> {
    const { data, info } = await this.#sharp(pixels.data, { raw: pixels.info })
      .webp({ quality: this.#options.webpQuality, effort: effortFor(pixels.info) })
      .toBuffer({ resolveWithObject: true });
    return { width: box, outputWidth: info.width, outputHeight: info.height, body: data };
  }

  async #header(source: Uint8Array, input: object): Promise<Size> {
    let metadata: { width?: number; height?: number; autoOrient?: Partial<Size> };
    try {
      // Header only, no pixels decoded: the limit is checked below, with the dimensions in
      // the message (the decode keeps limitInputPixels as a second line of defence).
      metadata = await this.#sharp(source, { ...input, limitInputPixels: false }).metadata();
    } catch (error) {
      throw new ImageRejectedError(SKIP_REASONS.corrupt, 'unreadable header', { cause: error });
    }
    const { width, height } = metadata;
    if (!width || !height) throw new ImageRejectedError(SKIP_REASONS.corrupt, 'no dimensions');
    if (width * height > this.#options.maxPixels) {
      throw new ImageRejectedError(
        SKIP_REASONS.tooManyPixels,
        `${width}x${height} is over ${this.#options.maxPixels} pixels`,
      );
    }
    // The size as displayed: EXIF orientations 5-8 swap width and height.
    return {
      width: metadata.autoOrient?.width || width,
      height: metadata.autoOrient?.height || height,
    };
  }
}
