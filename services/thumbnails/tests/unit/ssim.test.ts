import { describe, expect, it } from 'vitest';
import { luma, type RawImage, ssim, ssimPlanes, standardDeviation } from '../../bench/ssim.js';
import { loadSharp } from '../../src/adapters/loadSharp.js';
import { jpeg } from '../support/fixtures.js';

// The SSIM the thumbnails bench uses for its quality gate (bench/ssim.ts).

const sharp = loadSharp();

const raw = async (pipeline: ReturnType<typeof sharp>): Promise<RawImage> =>
  pipeline.raw().toBuffer({ resolveWithObject: true });

/** 320x240 with detail at every scale: smooth blobs plus fine texture two pixels across. */
const photo = async (): Promise<RawImage> => {
  const texture = await sharp({
    create: {
      width: 160,
      height: 120,
      channels: 3,
      background: '#000',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .resize(320, 240, { kernel: 'cubic' })
    .png()
    .toBuffer();
  return raw(
    sharp(await jpeg(320, 240))
      .composite([{ input: texture, blend: 'soft-light' }])
      .removeAlpha(),
  );
};

describe('ssim', () => {
  it('is exactly 1 for identical images', async () => {
    // Prepare
    const image = await photo();
    const copy = { data: Buffer.from(image.data), info: { ...image.info } };

    // Act
    const score = ssim(image, copy);

    // Assess
    expect(score).toBe(1);
  });

  it('is below 1 for a blurred copy, lower the stronger the blur, and symmetric', async () => {
    // Prepare
    const image = await photo();
    const { width, height } = image.info;
    const source = sharp(image.data, { raw: { width, height, channels: 3 } });
    const slightly = await raw(source.clone().blur(0.6));
    const strongly = await raw(source.clone().blur(3));

    // Act
    const slight = ssim(image, slightly);
    const strong = ssim(image, strongly);

    // Assess
    expect(slight).toBeLessThan(1);
    expect(strong).toBeLessThan(slight);
    expect(slight).toBeGreaterThan(0.9);
    expect(strong).toBeLessThan(0.9);
    expect(ssim(strongly, image)).toBeCloseTo(strong, 12);
  });

  it('drops for a one-pixel shift (the off-by-one it is meant to catch)', async () => {
    // Prepare
    const image = await photo();
    const { width, height, channels } = image.info;
    const shifted = { data: Buffer.alloc(image.data.length), info: image.info };
    for (let y = 0; y < height; y += 1) {
      const row = y * width * channels;
      // Each row moved one pixel to the right, its first pixel repeated.
      shifted.data.set(image.data.subarray(row, row + channels), row);
      shifted.data.set(image.data.subarray(row, row + (width - 1) * channels), row + channels);
    }

    // Act
    const score = ssim(image, shifted);

    // Assess
    expect(score).toBeLessThan(0.9);
  });

  it('reads grey, RGB and RGBA pixels as the same luma', () => {
    // Prepare
    const grey: RawImage = {
      data: Uint8Array.of(10, 200),
      info: { width: 2, height: 1, channels: 1 },
    };
    const rgb: RawImage = {
      data: Uint8Array.of(10, 10, 10, 200, 200, 200),
      info: { width: 2, height: 1, channels: 3 },
    };
    const rgba: RawImage = {
      data: Uint8Array.of(10, 10, 10, 0, 200, 200, 200, 255),
      info: { width: 2, height: 1, channels: 4 },
    };

    // Act
    const planes = [grey, rgb, rgba].map((image) => Array.from(luma(image), Math.round));

    // Assess
    expect(planes).toEqual([
      [10, 200],
      [10, 200],
      [10, 200],
    ]);
    expect(standardDeviation(luma(grey))).toBe(95);
  });

  it('refuses images of different sizes and images smaller than the window', () => {
    // Prepare
    const small = new Float64Array(10 * 10);

    // Act
    const mismatch = () =>
      ssim(
        { data: new Uint8Array(12 * 12), info: { width: 12, height: 12, channels: 1 } },
        { data: new Uint8Array(12 * 13), info: { width: 12, height: 13, channels: 1 } },
      );
    const tooSmall = () => ssimPlanes(small, small, 10, 10);

    // Assess
    expect(mismatch).toThrow('sizes differ: 12x12 vs 12x13');
    expect(tooSmall).toThrow('smaller than the 11 px window');
  });
});
