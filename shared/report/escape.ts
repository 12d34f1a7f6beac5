// Escaping of untrusted text. Everything a report prints that came from an input (file
// names, dump labels, brand strings, finding messages that quote them) is text, never markup.
// The print HTML (and the SVG inside it) uses `escapeHtml` and nothing else; Markdown uses
// `escapeMarkdown`, which also neutralises raw HTML because issue trackers render it.

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text -> HTML/XML text or attribute value (quoted with `"`). Also drops C0 control
 * characters other than tab/newline (invalid in XML, so in inline SVG) and lone surrogates.
 */
export function escapeHtml(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ch = text[i]!;
    const escaped = HTML_ESCAPES[ch];
    if (escaped !== undefined) out += escaped;
    else if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) out += '\ufffd';
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += ch + text[i + 1]!;
        i++;
      } else out += '\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) out += '\ufffd';
    else out += ch;
  }
  return out;
}

/**
 * Text -> Markdown inline text (table cells, list items, headings). HTML specials become
 * entities (GitHub/GitLab render raw HTML), Markdown specials get a backslash, line breaks
 * become spaces so a value cannot end a table row.
 */
export function escapeMarkdown(text: string): string {
  // Backslashes first, then entities: an entity's `#` must not get a backslash. Quotes stay
  // as they are: Markdown text is never inside an attribute.
  return escapeHtml(text.replace(/\r\n|\r|\n/g, ' ').replace(/[\\`*_[\]|~#!{}]/g, (c) => `\\${c}`))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}
