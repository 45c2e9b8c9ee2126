import { crc32, deflateSync } from 'node:zlib';
import { loadSharp } from '../../src/adapters/loadSharp.js';

// Test images, generated with sharp at test time (no binary fixtures in the repository).

const sharp = loadSharp();

type Rgb = readonly [number, number, number];
const RED: Rgb = [255, 0, 0];
const BLUE: Rgb = [0, 0, 255];

/** Raw RGB pixels: the left half `left`, the right half `right`. */
const halves = (width: number, height: number, left: Rgb, right: Rgb): Buffer => {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      pixels.set(x < width / 2 ? left : right, (y * width + x) * 3);
    }
  }
  return pixels;
};

/**
 * A 400x200 JPEG, red left half and blue right half, with EXIF Orientation 6 (display rotated
 * 90 degrees clockwise: 200x400, red on top) and a GPS position in its EXIF.
 */
export const jpegWithOrientationAndGps = (): Promise<Buffer> =>
  sharp(halves(400, 200, RED, BLUE), { raw: { width: 400, height: 200, channels: 3 } })
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: 'ShopCam', Model: 'Fixture 1' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '48/1 51/1 2400/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '2/1 21/1 300/100',
      },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();

/** Whether an EXIF block holds a GPS IFD pointer (tag 0x8825), in either byte order. */
export const exifHasGps = (exif: Buffer | undefined): boolean =>
  exif !== undefined &&
  (exif.includes(Buffer.from([0x25, 0x88, 0x04, 0x00])) ||
    exif.includes(Buffer.from([0x88, 0x25, 0x00, 0x04])));

/**
 * A photo-like JPEG of any size: smooth colour blobs (noise scaled up), which compress and
 * decode like a real photo rather than like a flat fill.
 */
export const jpeg = async (width: number, height: number, quality = 85): Promise<Buffer> => {
  const seed = await sharp({
    create: {
      width: Math.max(2, Math.round(width / 40)),
      height: Math.max(2, Math.round(height / 40)),
      channels: 3,
      background: '#000',
      noise: { type: 'gaussian', mean: 128, sigma: 60 },
    },
  })
    .png()
    .toBuffer();
  return sharp(seed)
    .resize(width, height, { fit: 'fill', kernel: 'cubic' })
    .jpeg({ quality })
    .toBuffer();
};

/** A 300x200 PNG whose left half is fully transparent. */
export const pngWithAlpha = (): Promise<Buffer> => {
  const width = 300;
  const height = 200;
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      pixels.set(x < width / 2 ? [0, 0, 0, 0] : [0, 160, 0, 255], (y * width + x) * 4);
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
};

/** A 160x90 GIF. */
export const gif = (): Promise<Buffer> =>
  sharp(halves(160, 90, RED, BLUE), { raw: { width: 160, height: 90, channels: 3 } })
    .gif()
    .toBuffer();

/** A 2000x1000 WebP. */
export const webp = (): Promise<Buffer> =>
  sharp(halves(2000, 1000, RED, BLUE), { raw: { width: 2000, height: 1000, channels: 3 } })
    .webp()
    .toBuffer();

const pngChunk = (type: string, data: Buffer): Buffer => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
};

/**
 * A decompression bomb's header: a valid ~100-byte PNG whose IHDR claims `size` x `size`
 * RGB pixels (50000 x 50000 = 2.5 gigapixels, 7.5 GB decoded), with one tiny IDAT.
 */
export const pngBombHeader = (size = 50_000): Buffer => {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(64))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
};

/** A JPEG signature followed by noise: claims to be an image, decodes to nothing. */
export const corruptJpeg = (): Buffer => {
  const noise = Buffer.alloc(4096);
  for (let index = 0; index < noise.length; index += 1) noise[index] = (index * 7919) % 251;
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), noise]);
};

/** The first half of a real JPEG: a valid header, truncated pixel data. */
export const truncatedJpeg = async (): Promise<Buffer> => {
  const whole = await jpeg(800, 600);
  return whole.subarray(0, Math.floor(whole.length / 2));
};

/** Plain text, as uploaded under a name like `notes.jpg`. */
export const textFile = (): Buffer => Buffer.from('These are my notes, not a picture.\n', 'utf8');

/** Width, height, format and metadata presence of an encoded image. */
export const inspect = async (image: Uint8Array) => {
  const metadata = await sharp(image).metadata();
  return {
    format: metadata.format,
    width: metadata.width,
    height: metadata.height,
    channels: metadata.channels,
    hasAlpha: metadata.hasAlpha,
    orientation: metadata.orientation,
    exif: metadata.exif,
    icc: metadata.icc,
    xmp: metadata.xmp,
    iptc: metadata.iptc,
  };
};

/** The RGB(A) of one pixel of an encoded image. */
export const pixelAt = async (image: Uint8Array, x: number, y: number): Promise<number[]> => {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const offset = (y * info.width + x) * info.channels;
  return [...data.subarray(offset, offset + info.channels)];
};
