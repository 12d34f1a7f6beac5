// How each bit class looks in the register map: a light fill (prints as a light grey) plus a
// line or dot pattern, so the classes stay apart on a black-and-white printer. Fills are
// pastel on purpose: the cell's digit and the disagreement marker must stay readable on top.

import type { BitClass } from '../engine/types';

export type PatternKind = 'none' | 'diagDown' | 'diagUp' | 'horizontal' | 'vertical' | 'grid' | 'cross' | 'dots' | 'checker';

export interface ClassStyle {
  readonly fill: string;
  readonly pattern: PatternKind;
}

export const CLASS_STYLE: Readonly<Record<BitClass, ClassStyle>> = {
  FIXED1: { fill: '#a5b4fc', pattern: 'none' },
  FIXED0: { fill: '#ffffff', pattern: 'diagDown' },
  DYNAMIC: { fill: '#fde68a', pattern: 'dots' },
  CONFIG_DIRECT: { fill: '#bbf7d0', pattern: 'horizontal' },
  CONFIG_AND_NATIVE: { fill: '#d9f99d', pattern: 'vertical' },
  NATIVE_VERIFIED_1: { fill: '#dbeafe', pattern: 'diagUp' },
  NATIVE_VERIFIED_0: { fill: '#f3f4f6', pattern: 'grid' },
  NATIVE: { fill: '#ffffff', pattern: 'none' },
  FAULTING: { fill: '#fecaca', pattern: 'cross' },
  ABSENT: { fill: '#e5e7eb', pattern: 'none' },
  KVM_PV: { fill: '#f5d0fe', pattern: 'checker' },
};

/** Cells no row describes: reserved or unknown bits. */
export const NO_CLASS_STYLE: ClassStyle = { fill: '#ffffff', pattern: 'none' };

const INK = '#4b5563';

function r(n: number): number {
  return Math.round(n * 100) / 100;
}

/** 45-degree hatch lines clipped to the box; `up` draws "/" instead of "\\". */
function diagonal(x: number, y: number, w: number, h: number, up: boolean, step = 5): string {
  let d = '';
  for (let a = x - h + (step / 2); a < x + w; a += step) {
    const t1 = Math.max(0, x - a);
    const t2 = Math.min(h, x + w - a);
    if (t2 <= t1) continue;
    d += up ? `M${r(a + t1)} ${r(y + h - t1)}l${r(t2 - t1)} ${r(t1 - t2)}` : `M${r(a + t1)} ${r(y + t1)}l${r(t2 - t1)} ${r(t2 - t1)}`;
  }
  return d;
}

/**
 * The hatch of a class over a box, as plain vector strokes. SVG <pattern> fills are avoided on
 * purpose: Chromium's PDF output rasterizes them (a 400-register map grew to 100 MB). Stripes
 * and dots are one dashed line each (a dash as tall as the box is a stripe).
 */
export function hatchSvg(kind: PatternKind, x: number, y: number, w: number, h: number): string {
  const mid = r(y + h / 2);
  const line = (d: string, extra = ''): string => `<path d="${d}" fill="none" stroke="${INK}" stroke-width="0.6"${extra}/>`;
  const horizontal = line(`M${x} ${r(y + h / 3)}h${w}M${x} ${r(y + (2 * h) / 3)}h${w}`);
  const vertical = line(`M${x} ${mid}h${w}`, ` stroke-width="${h}" stroke-dasharray="0.6 4.4" stroke-dashoffset="-2.2"`).replace(' stroke-width="0.6"', '');
  switch (kind) {
    case 'none':
      return '';
    case 'diagDown':
      return line(diagonal(x, y, w, h, false));
    case 'diagUp':
      return line(diagonal(x, y, w, h, true));
    case 'horizontal':
      return horizontal;
    case 'vertical':
      return vertical;
    case 'grid':
      return horizontal + vertical;
    case 'cross':
      return line(diagonal(x, y, w, h, false) + diagonal(x, y, w, h, true));
    case 'dots':
      return `<path d="M${x} ${r(y + h / 3)}h${w}M${x} ${r(y + (2 * h) / 3)}h${w}" fill="none" stroke="${INK}" stroke-width="1.3" stroke-linecap="round" stroke-dasharray="0.01 3.32" stroke-dashoffset="-1.66"/>`;
    case 'checker':
      return (
        `<path d="M${x} ${r(y + h / 4)}h${w}" fill="none" stroke="${INK}" stroke-opacity="0.45" stroke-width="${r(h / 2)}" stroke-dasharray="2.5 2.5"/>` +
        `<path d="M${x} ${r(y + (3 * h) / 4)}h${w}" fill="none" stroke="${INK}" stroke-opacity="0.45" stroke-width="${r(h / 2)}" stroke-dasharray="2.5 2.5" stroke-dashoffset="2.5"/>`
      );
  }
}
