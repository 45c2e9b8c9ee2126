import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sniffImageFormat } from '../../src/domain/imageFormat.js';

const bytes = (...values: number[]) => new Uint8Array(values);
const text = (value: string) => new TextEncoder().encode(value);
const ftyp = (...brands: string[]) => {
  const body = text(`ftyp${brands[0]}\0\0\0\0${brands.slice(1).join('')}`);
  const box = new Uint8Array(4 + body.length);
  new DataView(box.buffer).setUint32(0, box.length);
  box.set(body, 4);
  return box;
};

describe('sniffImageFormat', () => {
  it.each([
    ['jpeg', bytes(0xff, 0xd8, 0xff, 0xe1, 0, 0)],
    ['png', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0)],
    ['gif', text('GIF89a....')],
    ['webp', text('RIFF\0\0\0\0WEBPVP8 ')],
    ['tiff', bytes(0x49, 0x49, 0x2a, 0x00, 8, 0)],
    ['tiff', bytes(0x4d, 0x4d, 0x00, 0x2a, 0, 8)],
    ['avif', ftyp('avif', 'mif1', 'miaf')],
    ['avif', ftyp('mif1', 'avif')],
  ])('recognises %s by its signature', (format, input) => {
    expect(sniffImageFormat(input)).toEqual({ kind: 'supported', format });
  });

  it.each([
    ['heic', ftyp('heic', 'mif1')],
    ['bmp', text('BM\0\0\0\0\0\0\0\0\0\0\0\0')],
    ['pdf', text('%PDF-1.7\n')],
    ['svg', text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['psd', text('8BPS\0\x01')],
  ])('recognises %s as an image format it does not decode', (format, input) => {
    expect(sniffImageFormat(input)).toEqual({ kind: 'unsupported', format });
  });

  it('calls text, even text named .jpg, unknown', () => {
    expect(sniffImageFormat(text('hello, this is not a picture'))).toEqual({ kind: 'unknown' });
    expect(sniffImageFormat(new Uint8Array())).toEqual({ kind: 'unknown' });
  });

  it('classifies any byte sequence without throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (input) => {
        const result = sniffImageFormat(input);
        expect(['supported', 'unsupported', 'unknown']).toContain(result.kind);
      }),
    );
  });

  it('recognises a JPEG whatever follows its signature', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (rest) => {
        const input = new Uint8Array([0xff, 0xd8, 0xff, ...rest]);
        expect(sniffImageFormat(input)).toEqual({ kind: 'supported', format: 'jpeg' });
      }),
    );
  });

  it('never takes plain words for an image', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z ]{0,80}$/), (words) => {
        expect(sniffImageFormat(text(words)).kind).toBe('unknown');
      }),
    );
  });
});
