import fc from 'fast-check';

/** Any ASCII character, control characters and HTML-significant ones included. */
const asciiChar = fc.integer({ min: 0, max: 0x7f }).map((code) => String.fromCharCode(code));

/**
 * Text mixing ASCII (markup and control characters) with arbitrary Unicode graphemes. Cheaper to
 * start than fast-check's `binary` unit, which builds large tables on first use.
 */
export const anyText = (maxLength = 100) =>
  fc.string({
    unit: fc.oneof(asciiChar, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })),
    maxLength,
  });
