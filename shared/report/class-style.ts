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

/** SVG markup of one pattern tile (6x6 user units), drawn on top of the fill. */
export function patternTile(kind: PatternKind): string {
  const line = (x1: number, y1: number, x2: number, y2: number): string =>
    `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${INK}" stroke-width="0.7"/>`;
  switch (kind) {
    case 'none':
      return '';
    case 'diagDown':
      return line(0, 0, 6, 6) + line(-3, 3, 3, 9) + line(3, -3, 9, 3);
    case 'diagUp':
      return line(0, 6, 6, 0) + line(-3, 3, 3, -3) + line(3, 9, 9, 3);
    case 'horizontal':
      return line(0, 3, 6, 3);
    case 'vertical':
      return line(3, 0, 3, 6);
    case 'grid':
      return line(0, 3, 6, 3) + line(3, 0, 3, 6);
    case 'cross':
      return line(0, 0, 6, 6) + line(0, 6, 6, 0);
    case 'dots':
      return `<circle cx="3" cy="3" r="0.9" fill="${INK}"/>`;
    case 'checker':
      return `<rect x="0" y="0" width="3" height="3" fill="${INK}" fill-opacity="0.45"/><rect x="3" y="3" width="3" height="3" fill="${INK}" fill-opacity="0.45"/>`;
  }
}
