// lp-inconsistent: bits the module requires to be equal on every logical processor
// (verify_same) differ between the LPs of the host dump, so TDH.SYS.LP.INIT fails on the odd
// ones (TDX_INCONSISTENT_CPUID_FIELD) and Linux does not bring TDX up (tdx-cpuid-model.md 2,
// 5). Typical causes: a hybrid (client) CPU, mixed CPU SKUs, or a BIOS that configures
// sockets differently.

import type { BitAddress } from '../../model/address';
import { formatLeafKey, hex32 } from '../../model/address';
import type { LpDifference } from '../module-init';
import { registerDifference } from './dump-differences';
import type { HostView } from '../host';
import type { ModuleTable } from '../../knowledge/tdx-module/module-table';
import type { Rule } from './types';
import { bitList, listWords, maskBits, moduleWords, predictionUsable } from './words';

function cpuRange(ids: readonly number[]): string {
  if (ids.length <= 6) return ids.join(', ');
  return `${ids.slice(0, 5).join(', ')} ... (${ids.length} CPUs)`;
}

/**
 * verify_same bits that differ between logical processors: the same result as
 * module-init.ts verifySameDifferences(), from the dump's cached register differences.
 */
export function lpDifferences(host: HostView, module: ModuleTable): LpDifference[] {
  const dump = host.dump;
  if (dump.cpus.length < 2) return [];
  const first = dump.cpus[0]!;
  const out: LpDifference[] = [];
  for (const e of module.entries) {
    (['eax', 'ebx', 'ecx', 'edx'] as const).forEach((reg, i) => {
      const same = e.regs[i]!.verifySame;
      if (same === 0) return;
      const d = registerDifference(dump, e.leaf, e.subleaf, reg);
      if (!d || (d.diffMask & same) === 0) return;
      const base = d.byCpu.get(first.id);
      if (base === undefined) return;
      let bits = 0;
      const cpus: number[] = [];
      for (const [id, v] of d.byCpu) {
        const x = ((v ^ base) & same) >>> 0;
        if (x) {
          bits |= x;
          cpus.push(id);
        }
      }
      if (bits) out.push({ leaf: e.leaf, subleaf: e.subleaf, reg, bits: bits >>> 0, expected: (base & same) >>> 0, found: (base & same) >>> 0, cpus });
    });
  }
  return out;
}

export const lpInconsistent: Rule = {
  meta: {
    id: 'lp-inconsistent',
    severity: 'error',
    title: 'Logical processors differ in bits the module requires to be equal',
    description:
      "The TDX module checks at per-LP initialization (TDH.SYS.LP.INIT) that the CPUID bits of its verify_same masks are equal on every logical processor. A host whose CPUs differ there (hybrid cores, mixed SKUs) cannot initialize TDX on all CPUs.",
    source: 'tdx-cpuid-model.md 2 (verify_same) and 5; TDX module include/auto_gen*/cpuid_configurations.c, TDH.SYS.LP.INIT (TDX_INCONSISTENT_CPUID_FIELD)',
    layers: ['host', 'module'],
  },
  check(ctx) {
    // A host the module refuses outright is reported by module-init-verify alone.
    if (!ctx.hasHost || !predictionUsable(ctx)) return [];
    const diffs = lpDifferences(ctx.host, ctx.module);
    if (diffs.length === 0) return [];
    const bits: BitAddress[] = [];
    const regs: string[] = [];
    const cpus = new Set<number>();
    for (const d of diffs) {
      const b = maskBits(d.leaf, d.subleaf, d.reg, d.bits);
      bits.push(...b);
      d.cpus.forEach((c) => cpus.add(c));
      regs.push(`${formatLeafKey(d)}.${d.reg.toUpperCase()} & ${hex32(d.bits)} differs from CPU 0 (${hex32(d.expected)}) on CPU ${cpuRange(d.cpus)}`);
    }
    const dump = ctx.host.dump;
    return [
      {
        bits,
        message: `${dump.cpus.length} logical processors of ${dump.meta.brand ?? dump.name} differ in bits that ${moduleWords(ctx)} requires to be equal on every LP (verify_same): ${bitList(bits)}. TDH.SYS.LP.INIT fails with TDX_INCONSISTENT_CPUID_FIELD on ${cpus.size} CPU(s), so the kernel does not enable TDX. ${listWords(regs, 4)}.`,
      },
    ];
  },
};
