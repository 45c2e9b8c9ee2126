// Markdown tables: readable in a terminal and pasted as they are into the README.

export type Cell = string | number;

/** A Markdown table with a header row; numbers are right-aligned. */
export const markdownTable = (header: readonly string[], rows: readonly Cell[][]): string => {
  const text = rows.map((row) => row.map((cell) => String(cell)));
  const widths = header.map((h, i) =>
    Math.max(h.length, 3, ...text.map((row) => (row[i] ?? '').length)),
  );
  const numeric = header.map(
    (_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === 'number'),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...text.map(line)].join('\n');
};

/** Bytes as KiB with one decimal. */
export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

/** Milliseconds with a precision that suits their size. */
export const ms = (value: number): string =>
  Number.isNaN(value)
    ? 'n/a'
    : value >= 100
      ? value.toFixed(0)
      : value.toFixed(value >= 10 ? 1 : 2);

/** A ratio as `2.31x`. */
export const times = (value: number): string =>
  Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a';
