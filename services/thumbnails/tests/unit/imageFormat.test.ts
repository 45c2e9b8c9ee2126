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

  describe('SVG behind any XML prologue', () => {
    const ws = fc.constantFrom('', ' ', '\n', '\r\n', '\t  ');
    const comment = fc
      .string({ maxLength: 40 })
      .filter((body) => !body.includes('--'))
      .map((body) => `<!--${body}-->`);
    const quoted = fc
      .string({ maxLength: 30 })
      .map((value) => value.replace(/"/g, ''))
      .map((value) => `"${value} > ]>"`); // markup characters inside quoted values
    const entity = fc
      .tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), quoted)
      .map(([name, value]) => `<!ENTITY ${name} ${value}>`);
    const subset = fc
      .array(fc.oneof(entity, comment, ws), { maxLength: 6 })
      .map((parts) => ` [${parts.join('\n')}]`);
    const doctype = fc
      .tuple(
        fc.constantFrom(
          '',
          ' PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"',
        ),
        fc.option(subset, { nil: '' }),
      )
      .map(([external, internal]) => `<!DOCTYPE svg${external}${internal}>`);
    const prologue = fc
      .tuple(
        fc.constantFrom('', '\uFEFF', '<?xml version="1.0" encoding="UTF-8"?>'),
        fc.array(fc.oneof(comment, ws, fc.constant('<?xml-stylesheet href="a.css"?>')), {
          maxLength: 4,
        }),
        fc.option(doctype, { nil: '' }),
        fc.array(fc.oneof(comment, ws), { maxLength: 3 }),
      )
      .map(
        ([decl, before, dtd, afterDtd]) => `${decl}${before.join('')}${dtd}${afterDtd.join('')}`,
      );

    it('recognises an <svg> root after any prologue as SVG', () => {
      fc.assert(
        fc.property(
          prologue,
          fc.constantFrom(
            '<svg>',
            '<svg xmlns="http://www.w3.org/2000/svg"/>',
            '<svg:svg xmlns:svg="x">',
          ),
          (head, root) => {
            expect(sniffImageFormat(text(`${head}${root}`))).toEqual({
              kind: 'unsupported',
              format: 'svg',
            });
          },
        ),
      );
    });

    it('does not call another root element SVG, whatever the prologue', () => {
      fc.assert(
        fc.property(
          prologue,
          fc.constantFrom('<html>', '<svgx>', '<rss version="2.0">', 'plain text'),
          (head, root) => {
            fc.pre(!head.includes('<!DOCTYPE svg') || root !== 'plain text');
            expect(sniffImageFormat(text(`${head}${root}`))).toEqual({ kind: 'unknown' });
          },
        ),
      );
    });

    it('recognises the inline DOCTYPE entity block a reviewer found reported as not-an-image', () => {
      const svg = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [',
        '  <!ENTITY ns_svg "http://www.w3.org/2000/svg">',
        '  <!ENTITY ns_xlink "http://www.w3.org/1999/xlink">',
        ']>',
        '<svg xmlns="&ns_svg;" xmlns:xlink="&ns_xlink;" width="10" height="10"/>',
      ].join('\n');
      expect(sniffImageFormat(text(svg))).toEqual({ kind: 'unsupported', format: 'svg' });
    });

    it('recognises an SVG whose entity block runs past the scan limit by its DOCTYPE', () => {
      const entities = Array.from({ length: 3000 }, (_, i) => `<!ENTITY e${i} "value ${i}">`);
      const svg = `<!DOCTYPE svg [${entities.join('\n')}]><svg/>`;
      expect(svg.length).toBeGreaterThan(64 * 1024);
      expect(sniffImageFormat(text(svg))).toEqual({ kind: 'unsupported', format: 'svg' });
    });
  });
});
