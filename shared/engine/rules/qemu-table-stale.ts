// qemu-table-stale: QEMU hard-codes a TDX fixed1 list (target/i386/kvm/tdx.c, "grabbed from
// the TDX 1.5.06 spec"); the module's effectively fixed bits are fixed1 ∪ native-verified-1
// minus XFAM-gated bits. The engine recomputes the comparison for the module version in use
// (tdx-cpuid-model.md 4, last paragraph). For 1.5.01-2.0.02 the known result is two QEMU-only
// extras, ARAT (6.EAX[2]) and SYSCALL (0x80000001.EDX[11]), and one module-only bit, PKS
// (7.0.ECX[31]); they are explained (info). Any other difference means QEMU's table is out of
// date for this module (warning): spurious or missing QEMU warnings follow.

import type { BitAddress } from '../../model/address';
import { bitKey } from '../../model/address';
import { qemuFixed1CrossCheck } from '../qemu-crosscheck';
import type { CrossCheckBit, QemuCrossCheck } from '../qemu-crosscheck';
import type { Rule, RuleContext, RuleResult } from './types';
import { address } from './qemu-check';
import { bitLabel, listWords, moduleWords, predictionUsable } from './words';

const ARAT: BitAddress = { leaf: 6, subleaf: null, reg: 'eax', bit: 2 };
const SYSCALL: BitAddress = { leaf: 0x80000001, subleaf: null, reg: 'edx', bit: 11 };
const PKS: BitAddress = { leaf: 7, subleaf: 0, reg: 'ecx', bit: 31 };

/** The known, explained differences (same for every module from 1.5.01 to 2.0.02). */
function knownWhy(ctx: RuleContext, side: 'qemuOnly' | 'moduleOnly', b: CrossCheckBit): string | null {
  const k = bitKey(b);
  if (side === 'qemuOnly' && k === bitKey(ARAT)) {
    return `${bitLabel(b)}: QEMU lists it as fixed1, but ${moduleWords(ctx)} has it ${b.moduleClass}${b.moduleClass === 'FAULTING' || b.moduleClass === 'ABSENT' ? ' (leaf 6 raises #VE, so QEMU skips the word in its check)' : ''}; the module forces ARAT only from 1.5.09/2.0.04 on`;
  }
  if (side === 'qemuOnly' && k === bitKey(SYSCALL)) {
    return `${bitLabel(b)}: QEMU lists it as fixed1; the module computes it at run time (1 only in 64-bit mode, stored as 0), and QEMU's check treats it as 1`;
  }
  if (side === 'moduleOnly' && k === bitKey(PKS)) {
    return `${bitLabel(b)}: the module sets it from ATTRIBUTES.PKS; QEMU handles it through its ATTRIBUTES map (PKS -> 7.0.ECX[31]) instead of the fixed1 list`;
  }
  return null;
}

/** The cross-check depends only on the two knowledge tables: computed once per pair. */
const CROSS_CHECKS = new Map<string, QemuCrossCheck>();

function crossCheck(ctx: RuleContext): QemuCrossCheck {
  const key = `${ctx.module.version}|${ctx.qemu.version.variant}|${ctx.qemu.version.version}`;
  let cc = CROSS_CHECKS.get(key);
  if (!cc) {
    cc = qemuFixed1CrossCheck(ctx.module, ctx.qemu);
    CROSS_CHECKS.set(key, cc);
  }
  return cc;
}

function classWords(b: CrossCheckBit): string {
  return `${bitLabel(b)} (${b.moduleClass}${b.gates.length ? `, ${b.gates.join(' ')}` : ''})`;
}

export const qemuTableStale: Rule = {
  meta: {
    id: 'qemu-table-stale',
    severity: 'warning',
    title: "QEMU's TDX fixed1 table does not match the module",
    description:
      "QEMU's fixed1 list (target/i386/kvm/tdx.c) should equal the module's fixed1 ∪ native-verified-1 bits minus XFAM/ATTRIBUTES-gated ones. The known differences for modules 1.5.01-2.0.02 (ARAT and SYSCALL only in QEMU, PKS only in the module) are explained as info; any other difference means the QEMU table is stale for this module version, which leads to spurious \"TDX doesn't support requested feature\" or \"TDX forcibly sets the feature\" warnings.",
    source: "tdx-cpuid-model.md 4 (QEMU's fixed1 list vs the module) and 5; QEMU target/i386/kvm/tdx.c tdx_fixed1_bits; TDX module include/auto_gen*/cpuid_configurations.c",
    layers: ['qemuTable', 'module'],
  },
  check(ctx) {
    if (!predictionUsable(ctx)) return [];
    const cc = crossCheck(ctx);
    const table = `QEMU ${cc.qemu}'s TDX fixed1 table (tdx_fixed1_bits, target/i386/kvm/tdx.c)`;
    const out: RuleResult[] = [];
    const known: string[] = [];
    const knownBits: BitAddress[] = [];
    const staleQemu: CrossCheckBit[] = [];
    const staleModule: CrossCheckBit[] = [];
    for (const b of cc.qemuOnly) {
      const why = knownWhy(ctx, 'qemuOnly', b);
      if (why) {
        known.push(why);
        knownBits.push(address(b));
      } else staleQemu.push(b);
    }
    for (const b of cc.moduleOnly) {
      const why = knownWhy(ctx, 'moduleOnly', b);
      if (why) {
        known.push(why);
        knownBits.push(address(b));
      } else staleModule.push(b);
    }
    if (known.length) {
      out.push({
        bits: knownBits,
        severity: 'info',
        message: `${table} differs from ${moduleWords(ctx)} only where it is known to (as for every module from 1.5.01 to 2.0.02): ${known.join('; ')}.`,
      });
    }
    if (staleQemu.length) {
      out.push({
        bits: staleQemu.map(address),
        message: `${table} is stale for ${moduleWords(ctx)}: it lists ${staleQemu.length} bit(s) as fixed to 1 that this module does not force: ${listWords(staleQemu.map(classWords), 10)}. QEMU counts them as supported and asks for them; where the TD lacks them QEMU reports "TDX doesn't support requested feature" (and refuses the TD with enforce).`,
      });
    }
    if (staleModule.length) {
      out.push({
        bits: staleModule.map(address),
        message: `${table} is stale for ${moduleWords(ctx)}: ${staleModule.length} bit(s) that this module always sets (fixed1 or verified native 1) are missing from it: ${listWords(staleModule.map(classWords), 10)}. Unless KVM_TDX_CAPABILITIES offers them, QEMU does not count them as supported, and reports "TDX forcibly sets the feature" when the TD has them.`,
      });
    }
    return out;
  },
};
