// The register map picture: per leaf/register a strip of 32 cells (bit 31 on the left),
// each filled by its class (colour + pattern, see class-style.ts), a "1" where the shown
// value is 1, and a black corner triangle plus heavy border where the bit is marked
// (layers disagree / sources differ). Pure string building, no DOM.
//
// A long map is cut into chunks of at most CHUNK_ROWS strips per column, two columns per
// chunk, each chunk its own <svg>: a print page can then break between chunks instead of
// through a picture. A two-column chunk scales to the width of its container (viewBox,
// width 100%); a one-column chunk to the same cell size.

import { BIT_CLASSES } from '../engine/types';
import type { BitClass } from '../engine/types';
import { CLASS_STYLE, NO_CLASS_STYLE, patternTile } from './class-style';
import type { ClassStyle, PatternKind } from './class-style';
import { escapeHtml } from './escape';
import type { RegisterCell, RegisterMap, RegisterStrip } from './model';
import { registerLabel } from './text';

const LABEL_W = 96;
const CELL_W = 10;
const CELL_H = 13;
const ROW_PITCH = 15;
const GROUP_GAP = 5;
const HEADER_H = 12;
const COL_W = LABEL_W + 32 * CELL_W;
const COL_GAP = 18;
const WIDTH = 2 * COL_W + COL_GAP;
/** Strips per column of one chunk; two columns of 30 fill about half an A4 page. */
export const CHUNK_ROWS = 30;

const FONT = 'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace"';

function patternId(prefix: string, kind: PatternKind): string {
  return `${prefix}-${kind}`;
}

function patternDefs(prefix: string, kinds: ReadonlySet<PatternKind>): string {
  let out = '';
  for (const kind of kinds) {
    if (kind === 'none') continue;
    out += `<pattern id="${patternId(prefix, kind)}" width="6" height="6" patternUnits="userSpaceOnUse">${patternTile(kind)}</pattern>`;
  }
  return out ? `<defs>${out}</defs>` : '';
}

function styleOf(cell: RegisterCell): ClassStyle {
  return cell.class === null ? NO_CLASS_STYLE : CLASS_STYLE[cell.class];
}

function cellSvg(cell: RegisterCell, x: number, y: number, prefix: string): string {
  const style = styleOf(cell);
  // Undescribed bits: a faint dotted outline, so a plain NATIVE cell (solid outline) differs.
  const outline = cell.class === null ? 'stroke="#9ca3af" stroke-width="0.4" stroke-dasharray="1 1"' : 'stroke="#6b7280" stroke-width="0.5"';
  let out = `<rect x="${x}" y="${y}" width="${CELL_W}" height="${CELL_H}" fill="${style.fill}" ${outline}/>`;
  if (style.pattern !== 'none') {
    out += `<rect x="${x}" y="${y}" width="${CELL_W}" height="${CELL_H}" fill="url(#${patternId(prefix, style.pattern)})"/>`;
  }
  if (cell.value === 1) {
    // A white halo keeps the digit readable over any pattern.
    out += `<text x="${x + CELL_W / 2}" y="${y + CELL_H - 3}" font-size="9" text-anchor="middle" font-weight="bold" fill="#111827" stroke="#ffffff" stroke-width="1.6" paint-order="stroke">1</text>`;
  }
  if (cell.marked) {
    out += `<rect x="${x + 0.8}" y="${y + 0.8}" width="${CELL_W - 1.6}" height="${CELL_H - 1.6}" fill="none" stroke="#111827" stroke-width="1.6"/>`;
    out += `<path d="M${x + CELL_W - 5} ${y}h5v5z" fill="#111827"/>`;
  }
  return out;
}

function stripSvg(strip: RegisterStrip, x: number, y: number, prefix: string): string {
  let out = `<text x="${x + LABEL_W - 5}" y="${y + CELL_H - 3}" font-size="8.5" text-anchor="end" fill="#111827">${escapeHtml(
    registerLabel(strip.leaf, strip.subleaf, strip.reg),
  )}</text>`;
  for (let bit = 31; bit >= 0; bit--) {
    out += cellSvg(strip.cells[bit] ?? { class: null, value: null, marked: false, name: null }, x + LABEL_W + (31 - bit) * CELL_W, y, prefix);
  }
  // Byte boundaries, so a bit number can be found by counting from the nearest one.
  for (const b of [24, 16, 8]) {
    const bx = x + LABEL_W + (32 - b) * CELL_W;
    out += `<line x1="${bx}" y1="${y - 1}" x2="${bx}" y2="${y + CELL_H + 1}" stroke="#111827" stroke-width="0.9"/>`;
  }
  return out;
}

function headerSvg(x: number): string {
  let out = '';
  for (const b of [31, 24, 23, 16, 15, 8, 7, 0]) {
    const cx = x + LABEL_W + (31 - b) * CELL_W + CELL_W / 2;
    out += `<text x="${cx}" y="${HEADER_H - 3}" font-size="7" text-anchor="middle" fill="#374151">${b}</text>`;
  }
  return out;
}

interface Placed {
  readonly strip: RegisterStrip;
  readonly column: 0 | 1;
  readonly y: number;
}

/** Groups strips by leaf/sub-leaf so a group never straddles two columns or chunks. */
function groups(strips: readonly RegisterStrip[]): RegisterStrip[][] {
  const out: RegisterStrip[][] = [];
  for (const s of strips) {
    const last = out[out.length - 1];
    if (last && last[0]!.leaf === s.leaf && last[0]!.subleaf === s.subleaf) last.push(s);
    else out.push([s]);
  }
  return out;
}

/** Lays out the strips into chunks of two columns. */
function layout(strips: readonly RegisterStrip[]): { placed: Placed[]; height: number }[] {
  const chunks: { placed: Placed[]; height: number }[] = [];
  let placed: Placed[] = [];
  let column: 0 | 1 = 0;
  let rows = 0;
  let y = HEADER_H;
  let height = 0;
  const flush = (): void => {
    if (placed.length) chunks.push({ placed, height });
    placed = [];
    column = 0;
    rows = 0;
    y = HEADER_H;
    height = 0;
  };
  for (const g of groups(strips)) {
    if (rows > 0 && rows + g.length > CHUNK_ROWS) {
      if (column === 0) {
        column = 1;
        rows = 0;
        y = HEADER_H;
      } else flush();
    }
    for (const s of g) {
      placed.push({ strip: s, column, y });
      y += ROW_PITCH;
      rows++;
    }
    height = Math.max(height, y);
    y += GROUP_GAP;
  }
  flush();
  return chunks;
}

/**
 * The map as one or more standalone <svg> elements. `idPrefix` keeps pattern ids unique
 * when several maps share one HTML document.
 */
export function renderRegisterMapSvgs(map: RegisterMap, idPrefix = 'rm'): string[] {
  return layout(map.strips).map((chunk, i) => {
    const prefix = `${idPrefix}${i + 1}`;
    const kinds = new Set<PatternKind>();
    for (const p of chunk.placed) for (const c of p.strip.cells) kinds.add(styleOf(c).pattern);
    // A one-column chunk keeps the cell size of a two-column one.
    const twoColumns = chunk.placed.some((p) => p.column === 1);
    let body = headerSvg(0);
    if (twoColumns) body += headerSvg(COL_W + COL_GAP);
    for (const p of chunk.placed) body += stripSvg(p.strip, p.column === 0 ? 0 : COL_W + COL_GAP, p.y, prefix);
    const height = chunk.height + 2;
    const width = twoColumns ? WIDTH : COL_W;
    const scale = twoColumns ? '100%' : `${Math.round((COL_W / WIDTH) * 1000) / 10}%`;
    const first = chunk.placed[0]!.strip;
    const last = chunk.placed[chunk.placed.length - 1]!.strip;
    const title = `${map.caption}: ${registerLabel(first.leaf, first.subleaf, first.reg)} to ${registerLabel(last.leaf, last.subleaf, last.reg)}`;
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" class="register-map" viewBox="0 0 ${width} ${height}" width="${scale}" role="img" ${FONT}>` +
      `<title>${escapeHtml(title)}</title>${patternDefs(prefix, kinds)}${body}</svg>`
    );
  });
}

/** A 16x16 legend swatch for a class (null: a bit no row describes; 'marked': the marker). */
export function renderSwatchSvg(kind: BitClass | null | 'marked' | 'one', idPrefix: string): string {
  const open = `<svg xmlns="http://www.w3.org/2000/svg" class="swatch" viewBox="0 0 ${CELL_W + 2} ${CELL_H + 2}" width="12" height="15">`;
  if (kind === 'marked' || kind === 'one') {
    const cell: RegisterCell = { class: null, value: kind === 'one' ? 1 : null, marked: kind === 'marked', name: null };
    return `${open}${cellSvg(cell, 1, 1, idPrefix)}</svg>`;
  }
  const style = kind === null ? NO_CLASS_STYLE : CLASS_STYLE[kind];
  const defs = patternDefs(idPrefix, new Set([style.pattern]));
  return `${open}${defs}${cellSvg({ class: kind, value: null, marked: false, name: null }, 1, 1, idPrefix)}</svg>`;
}

/** Classes that occur in the map, in the canonical order (for the legend). */
export function classesInMap(map: RegisterMap): { classes: BitClass[]; unclassified: boolean } {
  const seen = new Set<BitClass | null>();
  for (const s of map.strips) for (const c of s.cells) seen.add(c.class);
  return { classes: BIT_CLASSES.filter((c) => seen.has(c)), unclassified: seen.has(null) };
}
