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

type RawInput = { width: number; height: number; channels: 1 | 2 | 3 | 4 };

const isPixelLimitError = (error: unknown) =>
  error instanceof Error && /pixel limit/i.test(error.message);

const box = (width: number) =>
  ({ width, height: width, fit: 'inside', withoutEnlargement: true }) as const;

/**
 * Thumbnails with sharp, decoding each source once:
 * 1. magic bytes decide whether it is an image at all (not the file name);
 * 2. `metadata()` reads only the header: dimensions are checked against the pixel limit
 *    before a single pixel is decoded (a 50000x50000 PNG header is refused here);
 * 3. one decode renders the largest size: EXIF orientation applied, shrink-on-load (JPEG and
 *    WebP decode at 1/2, 1/4, 1/8 scale when that is enough), sRGB, raw pixels out;
 * 4. every size, the largest included, is encoded from those raw pixels; the smaller ones are
 *    resized from them, never from the source again.
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
    } as const;

    const { width, height } = await this.#header(source, input);
    const largest = Math.max(...widths);
    let base: { data: Buffer; info: { width: number; height: number; channels: number } };
    try {
      base = await this.#sharp(source, input)
        .rotate()
        .resize(box(largest))
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
    } catch (error) {
      if (isPixelLimitError(error)) {
        throw new ImageRejectedError(SKIP_REASONS.tooManyPixels, `${width}x${height}`, {
          cause: error,
        });
      }
      throw new ImageRejectedError(SKIP_REASONS.corrupt, 'decoding failed', { cause: error });
    }
    const raw: RawInput = {
      width: base.info.width,
      height: base.info.height,
      channels: base.info.channels as RawInput['channels'],
    };
    // The encodes share the decoded pixels and are independent: run them together (libuv
    // threads; each libvips pipeline is single-threaded on glibc, sharp's default there).
    return Promise.all(
      widths.map(async (target): Promise<RenderedImage> => {
        let pipeline = this.#sharp(base.data, { raw });
        if (target < largest) pipeline = pipeline.resize(box(target));
        const { data, info } = await pipeline
          .webp({ quality: this.#options.webpQuality })
          .toBuffer({ resolveWithObject: true });
        return { width: target, outputWidth: info.width, outputHeight: info.height, body: data };
      }),
    );
  }

  async #header(source: Uint8Array, input: object): Promise<{ width: number; height: number }> {
    let metadata: { width?: number; height?: number };
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
    return { width, height };
  }
}
