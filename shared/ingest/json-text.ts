// JSON readers with line numbers in their errors: JSON.parse reports a character offset
// (V8: "... at position N (line L column C)"), schema errors report a path; both become
// the 1-based line a user can open. Also splits concatenated JSON values (QMP logs, libvirt
// `.json` test data: input-formats.md 10c) without a streaming library.

import { FormatError } from '../model/errors';

export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** JSON.parse that throws FormatError(file, line, ...) instead of SyntaxError. */
export function parseJson(text: string, file: string, format: string, baseOffset = 0, fullText = text): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const lineCol = /line (\d+) column \d+/.exec(msg);
    const pos = /position (\d+)/.exec(msg);
    let line: number;
    if (lineCol) line = lineAt(fullText, baseOffset) + Number(lineCol[1]) - 1;
    else if (pos) line = lineAt(fullText, baseOffset + Number(pos[1]));
    else line = lineAt(fullText, baseOffset + text.length);
    throw new FormatError(file, Math.max(1, line), 'valid JSON', msg.replace(/^.*?:\s*/, '').slice(0, 80), format);
  }
}

/**
 * Best-effort line of a value addressed by a path (["tdx_capabilities", "cpuid", 3, "eax"]):
 * walks the keys in order through the text, so a repeated key name finds the right one.
 */
export function lineOfPath(text: string, path: readonly PropertyKey[]): number {
  let from = 0;
  for (const key of path) {
    if (typeof key !== 'string') continue;
    const at = text.indexOf(`"${key}"`, from);
    if (at < 0) break;
    from = at + key.length + 2;
  }
  return lineAt(text, from);
}

export interface JsonChunk {
  readonly offset: number;
  readonly text: string;
}

/**
 * Splits text holding one or more JSON values one after another (objects or arrays,
 * separated by whitespace or lines of other text) into the text of each value.
 * Lines outside a value are skipped. Strings and escapes are respected.
 */
export function splitJsonValues(text: string, maxValues = 10_000): JsonChunk[] {
  const out: JsonChunk[] = [];
  let i = 0;
  const n = text.length;
  while (i < n && out.length < maxValues) {
    const c = text[i];
    if (c !== '{' && c !== '[') {
      // Skip to the next line that may start a value (a value starts a line, after blanks).
      const nl = text.indexOf('\n', i);
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
        i++;
        continue;
      }
      if (nl < 0) break;
      i = nl + 1;
      continue;
    }
    let depth = 0;
    let inString = false;
    let j = i;
    for (; j < n; j++) {
      const d = text[j];
      if (inString) {
        if (d === '\\') j++;
        else if (d === '"') inString = false;
      } else if (d === '"') inString = true;
      else if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) break;
      }
    }
    out.push({ offset: i, text: text.slice(i, Math.min(j + 1, n)) });
    i = j + 1;
  }
  return out;
}

/** Offset -> 1-based line in O(log n) after one pass over the text. */
export function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
