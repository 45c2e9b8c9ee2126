// "Is it an image?" is decided by the first bytes of the content, never by the file name or
// the Content-Type the uploader sent: `cat.jpg` may be text, `scan` may be a PNG.

/** Formats we make thumbnails from (all decoded by sharp's prebuilt libvips). */
export const SUPPORTED_FORMATS = ['jpeg', 'png', 'webp', 'gif', 'avif', 'tiff'] as const;
export type SupportedFormat = (typeof SUPPORTED_FORMATS)[number];

/** Images we recognise but deliberately do not decode (no decoder, or a risky one). */
export const UNSUPPORTED_FORMATS = ['heic', 'jxl', 'bmp', 'psd', 'svg', 'pdf'] as const;
export type UnsupportedFormat = (typeof UNSUPPORTED_FORMATS)[number];

/** What the first bytes say. */
export type SniffResult =
  | { kind: 'supported'; format: SupportedFormat }
  | { kind: 'unsupported'; format: UnsupportedFormat }
  | { kind: 'unknown' };

const ascii = (bytes: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...bytes.subarray(start, end));

const startsWith = (bytes: Uint8Array, signature: readonly number[]): boolean =>
  bytes.length >= signature.length && signature.every((byte, index) => bytes[index] === byte);

/** The brands of an ISO-BMFF `ftyp` box (AVIF, HEIC), or none. */
const ftypBrands = (bytes: Uint8Array): string[] => {
  if (bytes.length < 16 || ascii(bytes, 4, 8) !== 'ftyp') return [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const boxSize = Math.min(view.getUint32(0), bytes.length, 4096);
  const brands = [ascii(bytes, 8, 12)];
  for (let offset = 16; offset + 4 <= boxSize; offset += 4)
    brands.push(ascii(bytes, offset, offset + 4));
  return brands;
};

const sniffText = (bytes: Uint8Array): SniffResult => {
  const head = ascii(bytes, 0, Math.min(bytes.length, 512)).replace(/^\uFEFF?\s*/, '');
  if (head.startsWith('%PDF-')) return { kind: 'unsupported', format: 'pdf' };
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(head)) {
    return { kind: 'unsupported', format: 'svg' };
  }
  return { kind: 'unknown' };
};

/**
 * Identify an image format from its magic bytes.
 *
 * @example
 * sniffImageFormat(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])); // { kind: 'supported', format: 'jpeg' }
 * sniffImageFormat(new TextEncoder().encode('hello')); // { kind: 'unknown' }
 */
export const sniffImageFormat = (bytes: Uint8Array): SniffResult => {
  const supported = (format: SupportedFormat): SniffResult => ({ kind: 'supported', format });
  const unsupported = (format: UnsupportedFormat): SniffResult => ({ kind: 'unsupported', format });

  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return supported('jpeg');
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return supported('png');
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(ascii(bytes, 0, 6))) return supported('gif');
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') {
    return supported('webp');
  }
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    return supported('tiff');
  }
  const brands = ftypBrands(bytes);
  if (brands.some((brand) => brand === 'avif' || brand === 'avis')) return supported('avif');
  if (brands.some((brand) => /^(heic|heix|heim|heis|hevc|hevx|mif1|msf1)$/.test(brand))) {
    return unsupported('heic');
  }
  if (
    startsWith(bytes, [0xff, 0x0a]) ||
    startsWith(bytes, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a])
  ) {
    return unsupported('jxl');
  }
  if (bytes.length >= 14 && ascii(bytes, 0, 2) === 'BM') return unsupported('bmp');
  if (startsWith(bytes, [0x38, 0x42, 0x50, 0x53])) return unsupported('psd');
  return sniffText(bytes);
};
