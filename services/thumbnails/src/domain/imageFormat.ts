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

/** How far into a text file (bytes) the XML prologue is read looking for an `<svg>` root. */
const PROLOGUE_SCAN_CHARS = 64 * 1024;

/** Index just past `close`, or -1 when the text ends first. */
const after = (text: string, close: string, from: number): number => {
  const at = text.indexOf(close, from);
  return at < 0 ? -1 : at + close.length;
};

/**
 * Index just past a `<!DOCTYPE ...>` starting at `from`, honouring quoted strings, comments
 * and an internal subset `[ ... ]` (whose entity values may contain `>`); -1 if unterminated.
 */
const afterDoctype = (text: string, from: number): number => {
  let inSubset = false;
  for (let i = from + '<!DOCTYPE'.length; i < text.length; i += 1) {
    const char = text[i];
    if (char === '"' || char === "'") {
      i = text.indexOf(char, i + 1);
      if (i < 0) return -1;
    } else if (inSubset && text.startsWith('<!--', i)) {
      i = after(text, '-->', i + 4) - 1;
      if (i < 0) return -1;
    } else if (char === '[') {
      inSubset = true;
    } else if (char === ']') {
      inSubset = false;
    } else if (char === '>' && !inSubset) {
      return i + 1;
    }
  }
  return -1;
};

/**
 * Is this text an SVG document? Walks the XML prologue (declaration, processing instructions,
 * comments, a DOCTYPE with or without an internal subset) to the root element, which must be
 * `svg` (optionally namespace-prefixed). A prologue cut off by the scan limit counts as SVG if
 * its DOCTYPE names `svg`.
 */
const isSvgDocument = (text: string): boolean => {
  let doctypeName: string | undefined;
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i] as string)) i += 1;
    if (i >= text.length) return doctypeName === 'svg';
    let next: number;
    if (text.startsWith('<?', i)) next = after(text, '?>', i + 2);
    else if (text.startsWith('<!--', i)) next = after(text, '-->', i + 4);
    else if (/^<!DOCTYPE\s/i.test(text.slice(i, i + 10))) {
      doctypeName = /^<!DOCTYPE\s+([^\s[>]+)/i.exec(text.slice(i, i + 256))?.[1]?.toLowerCase();
      next = afterDoctype(text, i);
    } else return /^<(?:[A-Za-z_][\w.-]*:)?svg[\s/>]/i.test(text.slice(i, i + 256));
    if (next < 0) return doctypeName === 'svg';
    i = next;
  }
};

const sniffText = (bytes: Uint8Array): SniffResult => {
  // UTF-8 (a leading byte order mark is dropped); only the ASCII markup matters here.
  const head = new TextDecoder().decode(bytes.subarray(0, PROLOGUE_SCAN_CHARS));
  if (head.trimStart().startsWith('%PDF-')) return { kind: 'unsupported', format: 'pdf' };
  if (head.trimStart().startsWith('<') && isSvgDocument(head)) {
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
