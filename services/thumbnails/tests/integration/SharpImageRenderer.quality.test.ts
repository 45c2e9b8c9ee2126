import { describe, expect, it } from 'vitest';
import { type RawImage, ssim } from '../../bench/ssim.js';
import { loadSharp } from '../../src/adapters/loadSharp.js';
import { fitInside, SharpImageRenderer } from '../../src/adapters/SharpImageRenderer.js';

// Shrink-on-load and the resize cascade against a full decode: exact sizes (no upscaling,
// no off-by-one from the decoder's 1/2, 1/4, 1/8 scales) and SSIM >= 0.98 for each size.

const sharp = loadSharp();
const MIN_SSIM = 0.98;

/**
 * A JPEG with detail at every scale (colour blobs plus a texture a few pixels across, like
 * foliage or fabric), so that blur, ringing or a shifted pixel grid lower SSIM. Optionally
 * stored rotated with an EXIF orientation, like a phone photo.
 */
const detailedJpeg = async (width: number, height: number, orientation?: number) => {
  const layer = async (divisor: number, sigma: number) =>
    sharp({
      create: {
        width: Math.max(2, Math.round(width / divisor)),
        height: Math.max(2, Math.round(height / divisor)),
        channels: 3,
        background: '#000',
        noise: { type: 'gaussian', mean: 128, sigma },
      },
    })
      .resize(width, height, { fit: 'fill', kernel: 'cubic' })
      .png({ compressionLevel: 1 })
      .toBuffer();
  const image = sharp(await layer(60, 70))
    .composite([{ input: await layer(3, 45), blend: 'soft-light' }])
    .removeAlpha()
    .jpeg({ quality: 90 });
  return orientation ? image.withMetadata({ orientation }).toBuffer() : image.toBuffer();
};

/** The reference: every pixel decoded (no shrink-on-load), oriented, then resized. */
const fromFullDecode = async (source: Buffer, box: number): Promise<RawImage> => {
  const full = await sharp(source).autoOrient().raw().toBuffer({ resolveWithObject: true });
  const { width, height, channels } = full.info;
  return sharp(full.data, { raw: { width, height, channels } })
    .resize({ width: box, height: box, fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
};

const decoded = (body: Uint8Array): Promise<RawImage> =>
  sharp(body).removeAlpha().raw().toBuffer({ resolveWithObject: true });

// WebP at quality 100: the encoder's own loss stays far below the threshold, so what is
// measured is the decode path (shrink-on-load scale, resize kernel, the cascade).
const renderer = new SharpImageRenderer(sharp, { maxPixels: 60_000_000, webpQuality: 100 });

describe('SharpImageRenderer against a full decode', () => {
  it.each([
    // [source width, height, EXIF orientation, boxes, expected sizes (as displayed)]
    // Wider than the box by one pixel: 1024 wide, never 1025 nor upscaled from 1025 / 2.
    [1025, 769, undefined, [1024, 512, 128], ['1024x768', '512x384', '128x96']],
    // Just over twice the box: the decoder's 1/2 scale would give 1024.5 -> 1025 columns.
    [2049, 1537, undefined, [1024, 512, 128], ['1024x768', '512x384', '128x96']],
    // Not a multiple of 8 (partial JPEG blocks at the edges), JPEG 1/2 scale for 1024.
    [3001, 2003, undefined, [1024, 512, 128], ['1024x683', '512x342', '128x85']],
    // JPEG 1/4 scale (shrink 5.9) and 1/8 (shrink 11.7) for the largest box.
    [1501, 1001, undefined, [256, 64], ['256x171', '64x43']],
    [1499, 997, undefined, [128, 64], ['128x85', '64x43']],
    // Portrait stored sideways (EXIF orientation 6): boxes apply to the displayed image.
    [2003, 1201, 6, [1024, 512, 128], ['614x1024', '307x512', '77x128']],
    // Smaller than the largest box: never enlarged, the same pixels for 1024 and 512.
    [500, 333, undefined, [1024, 512, 128], ['500x333', '500x333', '128x85']],
  ] as const)(
    '%ix%i (orientation %s), boxes %j: exact sizes %j, SSIM >= 0.98',
    async (width, height, orientation, boxes, expected) => {
      // Prepare
      const source = await detailedJpeg(width, height, orientation);

      // Act
      const images = await renderer.render(source, boxes);

      // Assess
      expect(images.map((image) => `${image.outputWidth}x${image.outputHeight}`)).toEqual(expected);
      const displayed = orientation === 6 ? { width: height, height: width } : { width, height };
      for (const [index, box] of boxes.entries()) {
        const image = images[index];
        if (image === undefined) throw new Error(`no image for ${box}`);
        const [output, reference] = await Promise.all([
          decoded(image.body),
          fromFullDecode(source, box),
        ]);
        expect(image.width).toBe(box);
        expect(output.info).toMatchObject(fitInside(displayed, box));
        expect(output.info).toMatchObject({
          width: reference.info.width,
          height: reference.info.height,
        });
        expect(ssim(output, reference), `SSIM of ${box}`).toBeGreaterThanOrEqual(MIN_SSIM);
      }
    },
  );

  it('computes box sizes the way a full-size resize rounds them', async () => {
    // Prepare: sizes whose scaled side lands on .5 (2048x1021 -> 1024x510.5) or near it, in
    // both orientations.
    const sizes = [
      [2048, 1021],
      [1021, 2048],
      [1999, 1333],
      [1333, 1999],
      [1025, 1],
      [1, 1025],
      [2051, 1027],
      [1027, 2051],
      [1600, 901],
    ] as const;

    // Act
    const actual = await Promise.all(
      sizes.flatMap(([width, height]) =>
        [1024, 512, 128].map(async (box) => {
          const { info } = await sharp({
            create: { width, height, channels: 3, background: '#808080' },
          })
            .resize({ width: box, height: box, fit: 'inside', withoutEnlargement: true })
            .raw()
            .toBuffer({ resolveWithObject: true });
          return [fitInside({ width, height }, box), { width: info.width, height: info.height }];
        }),
      ),
    );

    // Assess
    for (const [computed, bySharp] of actual) expect(computed).toEqual(bySharp);
  });
});
