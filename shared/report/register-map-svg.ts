// The register map picture: per leaf/register a strip of 32 cells (bit 31 on the left),
// each filled by its class (colour + pattern, see class-style.ts), a "1" where the shown
// value is 1, and a black corner triangle plus heavy border where the bit is marked
// (layers disagree / sources differ). Pure string building, no DOM. Runs of cells of one
// class are one rectangle and the cell lines are one dashed stroke, so a 400-register map
// stays small; no SVG <pattern> (Chromium's PDF output rasterizes those).
//
// A long map is cut into chunks of at most CHUNK_ROWS strips per column, two columns per
// chunk, each chunk its own <svg>: a print page can then break between chunks instead of
// through a picture. A two-column chunk scales to the width of its container (viewBox,
// width 100%); a one-column chunk to the same cell size.

import { BIT_CLASSES } from '../engine/types';
import type { BitClass } from '../engine/types';
import { CLASS_STYLE, hatchSvg, NO_CLASS_STYLE } from './class-style';
import { escapeHtml } from './escape';
import type { RegisterMap, RegisterStrip } from './model';
import { registerLabel } from './text';

const LABEL_W = 96;
const CELL_W = 10;
const CELL_H = 13;
const ROW_PITCH = 15;
const GROUP_GAP = 5;
const HEADER_H = 12;
const COL_W = LABEL_W + 32 * CELL_W;
const COL_GAP = 14;
const COL2_X = COL_W + COL_GAP;
const WIDTH = COL2_X + COL_W;
/** Strips per column of one chunk; two columns of 30 fill about half an A4 page. */
export const CHUNK_ROWS = 30;

const FONT = 'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace"';

/** The SVG of one strip, split by layer so a chunk can group shared attributes. */
interface StripParts {
  fills: string;
  grid: string;
  digits: string;
  marks: string;
  label: string;
}

function cellX(x: number, bit: number): number {
  return x + LABEL_W + (31 - bit) * CELL_W;
}

function markSvg(cx: number, y: number): string {
  return `<rect x="${cx + 0.8}" y="${y + 0.8}" width="${CELL_W - 1.6}" height="${CELL_H - 1.6}"/><path d="M${cx + CELL_W - 5} ${y}h5v5z" fill="#111827"/>`;
}

function stripParts(strip: RegisterStrip, x: number, y: number, parts: StripParts): void {
  parts.label += `<text x="${x + LABEL_W - 5}" y="${y + CELL_H - 3}">${escapeHtml(registerLabel(strip.leaf, strip.subleaf, strip.reg))}</text>`;
  // One rectangle per run of cells of the same class (most registers are a few runs).
  let bit = 31;
  while (bit >= 0) {
    const cls = strip.cells[bit]?.class ?? null;
    let end = bit;
    while (end - 1 >= 0 && (strip.cells[end - 1]?.class ?? null) === cls) end--;
    const style = cls === null ? NO_CLASS_STYLE : CLASS_STYLE[cls];
    const rx = cellX(x, bit);
    const w = (bit - end + 1) * CELL_W;
    parts.fills += `<rect x="${rx}" y="${y}" width="${w}" height="${CELL_H}" fill="${style.fill}"/>`;
    parts.fills += hatchSvg(style.pattern, rx, y, w, CELL_H);
    bit = end - 1;
  }
  // Cell lines, byte lines (bits 24, 16, 8: count from the nearest) and the outline. Each set
  // of lines is one dashed stroke as tall as the strip.
  const x0 = x + LABEL_W;
  const my = y + CELL_H / 2;
  parts.grid += `<path d="M${x0} ${my}h${32 * CELL_W}" stroke="#6b7280" stroke-width="${CELL_H}" stroke-dasharray="0.5 ${CELL_W - 0.5}" stroke-dashoffset="0.25"/>`;
  parts.grid += `<path d="M${x0 + 8 * CELL_W} ${my}h${16 * CELL_W + 1}" stroke="#111827" stroke-width="${CELL_H}" stroke-dasharray="1 ${8 * CELL_W - 1}" stroke-dashoffset="0.5"/>`;
  parts.grid += `<rect x="${x0}" y="${y}" width="${32 * CELL_W}" height="${CELL_H}" fill="none" stroke="#111827" stroke-width="0.6"/>`;
  for (let b = 31; b >= 0; b--) {
    const cell = strip.cells[b];
    if (!cell) continue;
    const cx = cellX(x, b);
    if (cell.value === 1) parts.digits += `<text x="${cx + CELL_W / 2}" y="${y + CELL_H - 3}">1</text>`;
    if (cell.marked) parts.marks += markSvg(cx, y);
  }
}

function headerSvg(x: number): string {
  let out = '';
  for (const b of [31, 24, 23, 16, 15, 8, 7, 0]) out += `<text x="${cellX(x, b) + CELL_W / 2}" y="${HEADER_H - 3}">${b}</text>`;
  return out;
}

/** Groups with the attributes every child shares (keeps a 400-register map small). */
function assemble(parts: StripParts, header: string): string {
  return (
    `<g font-size="7" text-anchor="middle" fill="#374151">${header}</g>` +
    parts.fills +
    `<g fill="none">${parts.grid}</g>` +
    `<g font-size="8.5" text-anchor="end" fill="#111827">${parts.label}</g>` +
    // A white halo keeps a digit readable over any pattern.
    (parts.digits
      ? `<g font-size="9" text-anchor="middle" font-weight="bold" fill="#111827" stroke="#ffffff" stroke-width="1.6" paint-order="stroke">${parts.digits}</g>`
      : '') +
    (parts.marks ? `<g fill="none" stroke="#111827" stroke-width="1.6">${parts.marks}</g>` : '')
  );
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
export function renderRegisterMapSvgs(map: RegisterMap): string[] {
  return layout(map.strips).map((chunk) => {
    // A one-column chunk keeps the cell size of a two-column one.
    const twoColumns = chunk.placed.some((p) => p.column === 1);
    const parts: StripParts = { fills: '', grid: '', digits: '', marks: '', label: '' };
    for (const p of chunk.placed) stripParts(p.strip, p.column === 0 ? 0 : COL2_X, p.y, parts);
    const body = assemble(parts, headerSvg(0) + (twoColumns ? headerSvg(COL2_X) : ''));
    const height = chunk.height + 2;
    const width = twoColumns ? WIDTH : COL_W;
    const scale = twoColumns ? '100%' : `${Math.round((COL_W / WIDTH) * 1000) / 10}%`;
    const first = chunk.placed[0]!.strip;
    const last = chunk.placed[chunk.placed.length - 1]!.strip;
    const title = `${map.caption}: ${registerLabel(first.leaf, first.subleaf, first.reg)} to ${registerLabel(last.leaf, last.subleaf, last.reg)}`;
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" class="register-map" viewBox="0 0 ${width} ${height}" width="${scale}" role="img" ${FONT}>` +
      `<title>${escapeHtml(title)}</title>${body}</svg>`
    );
  });
}

/** A legend swatch: a class's cell (null: a bit no row describes), the "1" digit, or the marker. */
export function renderSwatchSvg(kind: BitClass | null | 'marked' | 'one'): string {
  const open = `<svg xmlns="http://www.w3.org/2000/svg" class="swatch" viewBox="0 0 ${CELL_W + 2} ${CELL_H + 2}" width="12" height="15" ${FONT}>`;
  const outline = `<rect x="1" y="1" width="${CELL_W}" height="${CELL_H}" fill="none" stroke="#111827" stroke-width="0.6"/>`;
  if (kind === 'one') {
    return `${open}<rect x="1" y="1" width="${CELL_W}" height="${CELL_H}" fill="#ffffff"/>${outline}<text x="${1 + CELL_W / 2}" y="${CELL_H - 2}" font-size="9" text-anchor="middle" font-weight="bold" fill="#111827">1</text></svg>`;
  }
  if (kind === 'marked') {
    return `${open}<rect x="1" y="1" width="${CELL_W}" height="${CELL_H}" fill="#ffffff"/><g fill="none" stroke="#111827" stroke-width="1.6">${markSvg(1, 1)}</g></svg>`;
  }
  const style = kind === null ? NO_CLASS_STYLE : CLASS_STYLE[kind];
  return `${open}<rect x="1" y="1" width="${CELL_W}" height="${CELL_H}" fill="${style.fill}"/>${hatchSvg(style.pattern, 1, 1, CELL_W, CELL_H)}${outline}</svg>`;
}

/** Classes that occur in the map, in the canonical order (for the legend). */
export function classesInMap(map: RegisterMap): { classes: BitClass[]; unclassified: boolean } {
  const seen = new Set<BitClass | null>();
  for (const s of map.strips) for (const c of s.cells) seen.add(c.class);
  return { classes: BIT_CLASSES.filter((c) => seen.has(c)), unclassified: seen.has(null) };
}
