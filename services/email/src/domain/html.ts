// A tiny auto-escaping HTML template tag. Every interpolated value is escaped unless it is a
// fragment produced by `html` itself, so a template cannot forget to escape a customer string:
// escaping is the default, not a call to remember.

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escape text for use in HTML element content and quoted attribute values.
 *
 * @example
 * escapeHtml('<script>alert("x")</script>'); // '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
 */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** A fragment of HTML that is already safe to insert as is. */
export class SafeHtml {
  readonly value: string;

  constructor(value: string) {
    this.value = value;
  }

  toString(): string {
    return this.value;
  }
}

/** What a template may interpolate: text (escaped), numbers, fragments, lists of those. */
export type HtmlValue = string | number | SafeHtml | undefined | readonly HtmlValue[];

const render = (value: HtmlValue): string => {
  if (value === undefined) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
};

/**
 * Build an HTML fragment; interpolated strings are escaped, nested `html` fragments are not.
 *
 * @example
 * html`<p>${customerNote}</p>`.value; // note text escaped
 * html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`;
 */
export const html = (strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml =>
  new SafeHtml(
    strings.reduce((out, part, index) => {
      const value = index < values.length ? render(values[index]) : '';
      return out + part + value;
    }, ''),
  );

/**
 * Text with line breaks as `<br>`, every line escaped.
 *
 * @example
 * multiline('line 1\n<b>line 2</b>').value; // 'line 1<br>&lt;b&gt;line 2&lt;/b&gt;'
 */
export const multiline = (text: string): SafeHtml =>
  new SafeHtml(
    text
      .split(/\r\n|\r|\n/)
      .map(escapeHtml)
      .join('<br>'),
  );
