// Checks a print HTML document for anything that could run or fetch: scripts, event-handler
// attributes, links or sources that are not in-document (`#id`) or `data:`, CSS imports and
// external url(). Used by the tests on every report, and cheap enough to run before printing.

export interface HtmlProblem {
  readonly what: string;
  readonly at: number;
}

const TAG = /<([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
const ATTR = /([^\s=/>]+)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g;
const FORBIDDEN_TAGS = new Set(['script', 'iframe', 'object', 'embed', 'link', 'base', 'frame', 'frameset', 'applet', 'form', 'img', 'image', 'audio', 'video', 'source', 'foreignobject', 'use']);
const URL_ATTRS = new Set(['src', 'href', 'xlink:href', 'action', 'formaction', 'data', 'poster', 'srcset', 'background', 'ping']);

function unquote(v: string): string {
  return v.startsWith('"') || v.startsWith("'") ? v.slice(1, -1) : v;
}

function isLocalRef(v: string): boolean {
  const s = v.trim().toLowerCase();
  return s.startsWith('#') || s.startsWith('data:');
}

export function auditPrintHtml(html: string): HtmlProblem[] {
  const problems: HtmlProblem[] = [];
  if (/<script/i.test(html)) problems.push({ what: 'script element', at: html.search(/<script/i) });
  for (const tag of html.matchAll(TAG)) {
    const name = tag[1]!.toLowerCase();
    const at = tag.index;
    if (FORBIDDEN_TAGS.has(name)) problems.push({ what: `<${name}> element`, at });
    for (const a of tag[2]!.matchAll(ATTR)) {
      const attr = a[1]!.toLowerCase();
      const value = a[2] === undefined ? '' : unquote(a[2]);
      if (/^on/.test(attr)) problems.push({ what: `event handler attribute ${attr}`, at });
      if (URL_ATTRS.has(attr) && !isLocalRef(value)) problems.push({ what: `${attr}="${value}" outside the document`, at });
      if (attr === 'style' && /url\(|@import|expression\(/i.test(value)) problems.push({ what: 'url() or @import in a style attribute', at });
      if (attr === 'http-equiv' && value.toLowerCase() === 'refresh') problems.push({ what: 'meta refresh', at });
      if (attr === 'xmlns' && value !== 'http://www.w3.org/2000/svg' && value !== 'http://www.w3.org/1999/xhtml') {
        problems.push({ what: `unexpected namespace ${value}`, at });
      }
    }
  }
  for (const style of html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)) {
    const css = style[1]!;
    if (/@import/i.test(css)) problems.push({ what: 'CSS @import', at: style.index });
    for (const u of css.matchAll(/url\(\s*(['"]?)([^)'"]*)\1\s*\)/gi)) {
      if (!isLocalRef(u[2]!)) problems.push({ what: `CSS url(${u[2]})`, at: style.index });
    }
    if (/@font-face/i.test(css)) problems.push({ what: 'CSS @font-face', at: style.index });
  }
  return problems;
}
