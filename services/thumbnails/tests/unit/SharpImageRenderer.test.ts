import { describe, expect, it } from 'vitest';
import { loadSharp, type Sharp } from '../../src/adapters/loadSharp.js';
import { SharpImageRenderer } from '../../src/adapters/SharpImageRenderer.js';
import { ImageRejectedError } from '../../src/domain/errors.js';
import { SKIP_REASONS, type SkipReason } from '../../src/domain/skipReasons.js';
import { defined } from '../support/defined.js';
import {
  corruptJpeg,
  exifHasGps,
  gif,
  inspect,
  jpeg,
  jpegWithOrientationAndGps,
  pixelAt,
  pngBombHeader,
  pngWithAlpha,
  textFile,
  truncatedJpeg,
  webp,
} from '../support/fixtures.js';

const sharp = loadSharp();
const WIDTHS = [1024, 512, 128];
const options = { maxPixels: 60_000_000, webpQuality: 80 };
const renderer = new SharpImageRenderer(sharp, options);

const sizes = async (images: { body: Uint8Array }[]) =>
  Promise.all(
    images.map(async ({ body }) => (({ width, height }) => [width, height])(await inspect(body))),
  );

const rejection = async (attempt: Promise<unknown>): Promise<SkipReason | undefined> => {
  try {
    await attempt;
    return undefined;
  } catch (error) {
    if (error instanceof ImageRejectedError) return error.reason;
    throw error;
  }
};

describe('SharpImageRenderer', () => {
  it('applies EXIF orientation and strips every piece of metadata, GPS included', async () => {
    // Prepare
    const source = await jpegWithOrientationAndGps();
    const input = await inspect(source);

    // Act
    const images = await renderer.render(source, WIDTHS);

    // Assess
    expect(input.orientation).toBe(6);
    expect(exifHasGps(input.exif)).toBe(true);
    expect(await sizes(images)).toEqual([
      [200, 400],
      [200, 400],
      [64, 128],
    ]);
    for (const image of images) {
      const output = await inspect(image.body);
      expect(output.format).toBe('webp');
      expect(output).toMatchObject({ exif: undefined, icc: undefined, xmp: undefined });
      expect(output.iptc).toBeUndefined();
      expect(output.orientation).toBeUndefined();
    }
    // Red was the left half; rotated 90 degrees clockwise it is the top half.
    const [top, bottom] = [
      await pixelAt(defined(images[0]).body, 100, 20),
      await pixelAt(defined(images[0]).body, 100, 380),
    ];
    expect(top[0]).toBeGreaterThan(200);
    expect(top[2]).toBeLessThan(60);
    expect(bottom[2]).toBeGreaterThan(200);
    expect(bottom[0]).toBeLessThan(60);
  });

  it('fits each size inside a width x width box and reports the real dimensions', async () => {
    // Prepare
    const source = await webp();

    // Act
    const images = await renderer.render(source, WIDTHS);

    // Assess
    expect(await sizes(images)).toEqual([
      [1024, 512],
      [512, 256],
      [128, 64],
    ]);
    expect(
      images.map(({ width, outputWidth, outputHeight }) => [width, outputWidth, outputHeight]),
    ).toEqual([
      [1024, 1024, 512],
      [512, 512, 256],
      [128, 128, 64],
    ]);
  });

  it('never enlarges a source smaller than the box', async () => {
    // Prepare
    const source = await jpeg(100, 50);

    // Act
    const images = await renderer.render(source, WIDTHS);

    // Assess
    expect(await sizes(images)).toEqual([
      [100, 50],
      [100, 50],
      [100, 50],
    ]);
  });

  it('keeps transparency from a PNG with alpha', async () => {
    // Prepare
    const source = await pngWithAlpha();

    // Act
    const [largest, , smallest] = await renderer.render(source, WIDTHS);

    // Assess
    for (const image of [defined(largest), defined(smallest)]) {
      const output = await inspect(image.body);
      expect(output).toMatchObject({ format: 'webp', hasAlpha: true, channels: 4 });
    }
    expect((await pixelAt(defined(largest).body, 10, 100))[3]).toBe(0);
    expect((await pixelAt(defined(largest).body, 290, 100))[3]).toBe(255);
  });

  it('reads GIF input', async () => {
    // Prepare
    const source = await gif();

    // Act
    const images = await renderer.render(source, [128, 64]);

    // Assess
    expect(await sizes(images)).toEqual([
      [128, 72],
      [64, 36],
    ]);
  });

  it('decodes the source once and derives each smaller size from the next larger one', async () => {
    // Prepare
    const source = await jpeg(1600, 1200);
    const inputs: string[] = [];
    const counting = ((input: unknown, options?: { raw?: unknown }) => {
      inputs.push(input === source ? 'source' : options?.raw ? 'raw' : 'other');
      return sharp(input as Buffer, options as never);
    }) as unknown as Sharp;

    // Act
    await new SharpImageRenderer(counting, options).render(source, WIDTHS);

    // Assess: one header read, one decode, then only raw pixels: two resizes (1024 -> 512,
    // 512 -> 128) and three encodes.
    expect(inputs).toEqual(['source', 'source', 'raw', 'raw', 'raw', 'raw', 'raw']);
  });

  it('encodes sizes that come out identical once, and answers in the order asked', async () => {
    // Prepare: 300x200 fits the 1024 and 512 boxes as it is.
    const source = await jpeg(300, 200);
    const inputs: string[] = [];
    const counting = ((input: unknown, options?: { raw?: unknown }) => {
      inputs.push(input === source ? 'source' : options?.raw ? 'raw' : 'other');
      return sharp(input as Buffer, options as never);
    }) as unknown as Sharp;

    // Act
    const images = await new SharpImageRenderer(counting, options).render(source, [128, 1024, 512]);

    // Assess: header, decode, one encode of 300x200, one resize to 128x85 and its encode.
    expect(inputs).toEqual(['source', 'source', 'raw', 'raw', 'raw']);
    expect(
      images.map(({ width, outputWidth, outputHeight }) => [width, outputWidth, outputHeight]),
    ).toEqual([
      [128, 128, 85],
      [1024, 300, 200],
      [512, 300, 200],
    ]);
    expect(Buffer.compare(defined(images[1]).body, defined(images[2]).body)).toBe(0);
    expect(await sizes(images)).toEqual([
      [128, 85],
      [300, 200],
      [300, 200],
    ]);
  });

  it('reports a failing encode as the render error, while the smaller sizes are resized', async () => {
    // Prepare: the first pipeline on decoded pixels (the largest size's encode) fails.
    const source = await jpeg(1600, 1200);
    let rawPipelines = 0;
    const failingFirstEncode = ((input: unknown, options?: { raw?: unknown }) => {
      const pipeline = sharp(input as Buffer, options as never);
      if (options?.raw === undefined) return pipeline;
      rawPipelines += 1;
      if (rawPipelines > 1) return pipeline;
      pipeline.toBuffer = (() => Promise.reject(new Error('encoder failed'))) as never;
      return pipeline;
    }) as unknown as Sharp;

    // Act
    const attempt = new SharpImageRenderer(failingFirstEncode, options).render(source, WIDTHS);

    // Assess: the error itself (a render error, not a rejection of the input), and no
    // unhandled rejection while the loop awaited the next resize (vitest fails on those).
    await expect(attempt).rejects.toThrow('encoder failed');
    expect(rawPipelines).toBeGreaterThan(1);
  });

  it.each([
    ['a text file named .jpg', () => textFile(), SKIP_REASONS.notAnImage],
    ['zero bytes', () => Buffer.alloc(0), SKIP_REASONS.empty],
    ['a JPEG signature followed by noise', () => corruptJpeg(), SKIP_REASONS.corrupt],
    ['a truncated JPEG', () => truncatedJpeg(), SKIP_REASONS.corrupt],
    ['a PNG header claiming 50000x50000 pixels', () => pngBombHeader(), SKIP_REASONS.tooManyPixels],
    [
      'an SVG',
      () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>'),
      SKIP_REASONS.unsupportedFormat,
    ],
  ])('rejects %s', async (_name, fixture, reason) => {
    // Prepare
    const source = await fixture();

    // Act
    const rejected = await rejection(renderer.render(source, WIDTHS));

    // Assess
    expect(rejected).toBe(reason);
  });

  it('names the claimed dimensions of a decompression bomb without decoding it', async () => {
    // Act
    const attempt = renderer.render(pngBombHeader(50_000), WIDTHS);

    // Assess
    await expect(attempt).rejects.toThrow('50000x50000 is over 60000000 pixels');
  });

  it('rejects a real image over the configured pixel limit', async () => {
    // Prepare
    const source = await jpeg(300, 200);
    const strict = new SharpImageRenderer(sharp, { ...options, maxPixels: 59_999 });

    // Act
    const rejected = await rejection(strict.render(source, WIDTHS));

    // Assess
    expect(rejected).toBe(SKIP_REASONS.tooManyPixels);
  });
});
