// Decodes one CPU's table: every present leaf, every named single-bit feature (zeros
// included) and every named field, using the precomputed register layouts of the bit
// knowledge. Output is in contract order (leaf, sub-leaf, register, bit).

import { REGS, extractField, bitMask } from '../../model/address';
import type { CpuidTable } from '../../model/cpuid-table';
import { layoutsOf } from '../bits/table';
import type { CpuDecode, DecodedFeature, DecodedField, DecodedLeaf } from './types';

/**
 * `known` (for `/proc/cpuinfo` flags and templates) marks the bits the source gives; other
 * bits decode as `null`. Reserved runs are not features.
 */
export function decodeTable(cpu: number, table: CpuidTable, known?: CpuidTable): CpuDecode {
  const leaves: DecodedLeaf[] = [];
  const features: DecodedFeature[] = [];
  const fields: DecodedField[] = [];
  const regs = table.regs;
  for (let i = 0; i < table.keys.length; i++) {
    const k = table.keys[i]!;
    const { leaf, subleaf } = k;
    const base = 4 * i;
    leaves.push({ leaf, subleaf, eax: regs[base]!, ebx: regs[base + 1]!, ecx: regs[base + 2]!, edx: regs[base + 3]! });
    const layouts = layoutsOf(leaf, subleaf);
    for (let r = 0; r < 4; r++) {
      const layout = layouts[r]!;
      if (layout.features.length === 0 && layout.fields.length === 0) continue;
      const v = regs[base + r]!;
      const reg = REGS[r]!;
      // Without a known-table every bit is known; with one, a missing leaf means none is.
      const knownMask = known ? (known.regOf(leaf, subleaf, reg) ?? 0) : 0xffffffff;
      for (const f of layout.features) {
        const b = f.bits[0];
        const value = (knownMask >>> b) & 1 ? (((v >>> b) & 1) as 0 | 1) : null;
        features.push({ leaf, subleaf, reg, bit: b, name: f.displayName!, value });
      }
      for (const f of layout.fields) {
        const m = bitMask(f.bits);
        const value = ((knownMask & m) >>> 0) === m ? extractField(v, f.bits) : null;
        fields.push({ leaf, subleaf, reg, bits: f.bits, name: f.displayName!, value });
      }
    }
  }
  return { cpu, leaves, features, fields };
}
