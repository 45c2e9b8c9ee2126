// SSIM (structural similarity; Wang, Bovik, Sheikh & Simoncelli, 2004) on raw 8-bit pixels as
// sharp's `.raw()` gives them: greyscale luma (Rec. 601 weights), an 11x11 Gaussian window
// with sigma 1.5, K1 = 0.01, K2 = 0.03, L = 255, averaged over every window position that
// fits inside the image ("valid" mode, no padding). 1 means identical.
//
// No dependencies (the bench may not add any). Plain TypeScript that Node runs as is (type
// stripping): the bench imports it as ./ssim.ts, the tests as ../../bench/ssim.js.

/** Raw interleaved 8-bit pixels, as `sharp(...).raw().toBuffer({ resolveWithObject: true })`. */
export interface RawImage {
  data: Uint8Array;
  info: { width: number; height: number; channels: number };
}

const K1 = 0.01;
const K2 = 0.03;
const L = 255;
const C1 = (K1 * L) ** 2;
/** Below a standard deviation of sqrt(C2) (7.65 grey levels) SSIM's stabilising constant
 * outweighs the image's own contrast: the score says more about C2 than about structure. */
export const C2 = (K2 * L) ** 2;

/** Normalised 1-D Gaussian taps (the 2-D window is separable). */
const gaussian = (radius: number, sigma: number): Float64Array => {
  const taps = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i += 1) {
    const value = Math.exp(-(i * i) / (2 * sigma * sigma));
    taps[i + radius] = value;
    sum += value;
  }
  return taps.map((value) => value / sum);
};

/**
 * One luma plane from raw interleaved pixels (1-4 channels). One channel is grey, two are
 * grey + alpha, three RGB, four RGB + alpha; alpha is ignored (compare opaque images, or
 * flatten both onto the same background first).
 */
export const luma = ({ data, info: { width, height, channels } }: RawImage): Float64Array => {
  const count = width * height;
  if (data.length !== count * channels) {
    throw new Error(`expected ${count * channels} bytes for ${width}x${height}x${channels}`);
  }
  const grey = new Float64Array(count);
  for (let i = 0, p = 0; i < count; i += 1, p += channels) {
    grey[i] =
      channels >= 3
        ? 0.299 * (data[p] ?? 0) + 0.587 * (data[p + 1] ?? 0) + 0.114 * (data[p + 2] ?? 0)
        : (data[p] ?? 0);
  }
  return grey;
};

/** Standard deviation of a plane (how much contrast SSIM has to work with). */
export const standardDeviation = (plane: Float64Array): number => {
  let sum = 0;
  for (const value of plane) sum += value;
  const mean = sum / plane.length;
  let squares = 0;
  for (const value of plane) squares += (value - mean) ** 2;
  return Math.sqrt(squares / plane.length);
};

/** `plane` filtered by the separable window, valid region only: (w - 2r) x (h - 2r). */
const filterValid = (
  plane: Float64Array,
  width: number,
  height: number,
  taps: Float64Array,
): Float64Array => {
  const size = taps.length;
  const outWidth = width - size + 1;
  const outHeight = height - size + 1;
  const rows = new Float64Array(outWidth * height);
  for (let y = 0; y < height; y += 1) {
    const line = y * width;
    for (let x = 0; x < outWidth; x += 1) {
      let sum = 0;
      for (let k = 0; k < size; k += 1) sum += (taps[k] ?? 0) * (plane[line + x + k] ?? 0);
      rows[y * outWidth + x] = sum;
    }
  }
  const out = new Float64Array(outWidth * outHeight);
  for (let y = 0; y < outHeight; y += 1) {
    for (let x = 0; x < outWidth; x += 1) {
      let sum = 0;
      for (let k = 0; k < size; k += 1) sum += (taps[k] ?? 0) * (rows[(y + k) * outWidth + x] ?? 0);
      out[y * outWidth + x] = sum;
    }
  }
  return out;
};

const product = (a: Float64Array, b: Float64Array) => a.map((value, i) => value * (b[i] ?? 0));

/** Mean SSIM of two luma planes of the same `width x height`. */
export const ssimPlanes = (
  a: Float64Array,
  b: Float64Array,
  width: number,
  height: number,
  { radius = 5, sigma = 1.5 }: { radius?: number; sigma?: number } = {},
): number => {
  if (a.length !== width * height || b.length !== width * height) {
    throw new Error('both planes must be width x height');
  }
  if (width <= 2 * radius || height <= 2 * radius) {
    throw new Error(`${width}x${height} is smaller than the ${2 * radius + 1} px window`);
  }
  const taps = gaussian(radius, sigma);
  const muA = filterValid(a, width, height, taps);
  const muB = filterValid(b, width, height, taps);
  const aa = filterValid(product(a, a), width, height, taps);
  const bb = filterValid(product(b, b), width, height, taps);
  const ab = filterValid(product(a, b), width, height, taps);
  let total = 0;
  for (let i = 0; i < muA.length; i += 1) {
    const ma = muA[i] ?? 0;
    const mb = muB[i] ?? 0;
    const varianceA = (aa[i] ?? 0) - ma * ma;
    const varianceB = (bb[i] ?? 0) - mb * mb;
    const covariance = (ab[i] ?? 0) - ma * mb;
    total +=
      ((2 * ma * mb + C1) * (2 * covariance + C2)) /
      ((ma * ma + mb * mb + C1) * (varianceA + varianceB + C2));
  }
  return total / muA.length;
};

/**
 * Mean SSIM of two raw images of the same size (luma only).
 *
 * @example
 * const a = await sharp(x).raw().toBuffer({ resolveWithObject: true });
 * const b = await sharp(y).raw().toBuffer({ resolveWithObject: true });
 * ssim(a, b); // 1 when identical
 */
export const ssim = (a: RawImage, b: RawImage): number => {
  const { width, height } = a.info;
  if (b.info.width !== width || b.info.height !== height) {
    throw new Error(`sizes differ: ${width}x${height} vs ${b.info.width}x${b.info.height}`);
  }
  return ssimPlanes(luma(a), luma(b), width, height);
};
