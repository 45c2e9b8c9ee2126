import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, multiline } from '../../src/domain/html.js';
import { anyText } from '../support/arbitraries.js';

const unescapeHtml = (text: string) =>
  text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    // Act
    const escaped = escapeHtml(`<a href="x" title='y'>&</a>`);

    // Assess
    expect(escaped).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('never leaves markup characters and loses no text, whatever the input', () => {
    fc.assert(
      fc.property(anyText(), (text) => {
        // Act
        const escaped = escapeHtml(text);

        // Assess
        expect(escaped).not.toMatch(/[<>"']/);
        expect(unescapeHtml(escaped)).toBe(text);
      }),
    );
  });
});

describe('html', () => {
  it('escapes interpolated strings but not nested fragments', () => {
    // Prepare
    const items = ['<i>a</i>', 'b & c'];

    // Act
    const fragment = html`<ul>${items.map((item) => html`<li>${item}</li>`)}</ul>`;

    // Assess
    expect(fragment.value).toBe('<ul><li>&lt;i&gt;a&lt;/i&gt;</li><li>b &amp; c</li></ul>');
  });

  it('renders numbers and leaves undefined out', () => {
    // Act
    const fragment = html`<p>${3}${undefined}</p>`;

    // Assess
    expect(fragment.value).toBe('<p>3</p>');
  });

  it('keeps any interpolated text inert', () => {
    fc.assert(
      fc.property(anyText(), (text) => {
        // Act
        const fragment = html`<p>${text}</p>`.value;

        // Assess
        expect(fragment.slice(3, -4)).not.toMatch(/[<>]/);
      }),
    );
  });
});

describe('multiline', () => {
  it('turns every kind of line break into <br> and escapes each line', () => {
    // Act
    const fragment = multiline('one\r\n<two>\rthree\nfour');

    // Assess
    expect(fragment.value).toBe('one<br>&lt;two&gt;<br>three<br>four');
  });
});
