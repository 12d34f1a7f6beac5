// Three-valued bit logic of the layers: a known 0 decides AND, a known 1 decides OR, unknown
// bits stay unknown otherwise; checked against a per-bit reference on random values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bits } from './layer';
import { LayerBuilder, and, known, mask, merge, or, UNKNOWN } from './layer';

type Tri = 0 | 1 | null;
const triOf = (b: Bits, i: number): Tri => (((b.k >>> i) & 1) === 0 ? null : (((b.v >>> i) & 1) as 0 | 1));
const bits = fc.record({ v: fc.nat({ max: 0xffffffff }), k: fc.nat({ max: 0xffffffff }) }).map((b) => ({ v: (b.v & b.k) >>> 0, k: b.k >>> 0 }));

describe('layer bit logic', () => {
  it('AND and OR follow Kleene logic bit by bit', () => {
    fc.assert(
      fc.property(bits, bits, (a, b) => {
        const x = and(a, b);
        const y = or(a, b);
        for (let i = 0; i < 32; i++) {
          const p = triOf(a, i);
          const q = triOf(b, i);
          const andRef: Tri = p === 0 || q === 0 ? 0 : p === 1 && q === 1 ? 1 : null;
          const orRef: Tri = p === 1 || q === 1 ? 1 : p === 0 && q === 0 ? 0 : null;
          if (triOf(x, i) !== andRef || triOf(y, i) !== orRef) return false;
        }
        return true;
      }),
    );
  });

  it('mask and merge keep the known-bit masks straight', () => {
    expect(mask(UNKNOWN, 0x0000ffff)).toEqual({ v: 0, k: 0xffff0000 });
    expect(merge(known(0xffffffff), UNKNOWN, 0xff)).toEqual({ v: 0xffffff00, k: 0xffffff00 });
  });

  it('a builder keeps leaves sorted and values masked by what is known', () => {
    const l = new LayerBuilder()
      .setReg(7, 0, 'ebx', { v: 0xffffffff, k: 0x0000ffff })
      .setReg(1, null, 'eax', known(0x806f8))
      .build();
    expect(l.keys).toEqual([
      { leaf: 1, subleaf: null },
      { leaf: 7, subleaf: 0 },
    ]);
    expect(l.values.regOf(7, 0, 'ebx')).toBe(0xffff);
    expect(l.known.regOf(7, 0, 'ebx')).toBe(0xffff);
    expect(l.subleavesOf(7)).toEqual([0]);
  });
});
