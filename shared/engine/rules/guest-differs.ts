// guest-differs: the CPUID captured inside the TD (G) differs from the TD's CPUID as the
// module stores it (T) on a bit that is not computed at run time. Expected causes are
// explained: leaves that raise #VE (a Linux guest reads zeros), bits the guest itself may
// clear with #VE reduction, and /proc/cpuinfo showing only what the guest kernel enabled;
// anything else is unexplained (tdx-cpuid-model.md 2.1 last paragraph, 2.2, 5).

import type { BitAddress } from '../../model/address';
import { REGS, bitsOf, formatLeafKey, leafKeyString } from '../../model/address';
import { dynamicMask, isKvmPvLeaf } from '../classes';
import { layerReg } from '../layer';
import { capsKey } from '../predict/tdx-caps';
import type { Rule, RuleResult } from './types';
import { bitLabel, bitName, diffMask, listWords, moduleWords, predictionUsable } from './words';

interface Group {
  bits: BitAddress[];
  words: string[];
}

function group(): Group {
  return { bits: [], words: [] };
}

export const guestDiffers: Rule = {
  meta: {
    id: 'guest-differs',
    severity: 'warning',
    title: "The guest's CPUID differs from the TD's",
    description:
      "Compares the CPUID captured inside the TD with the TD's CPUID (captured from KVM_TDX_GET_CPUID, else predicted), bit by bit, skipping bits the module computes at run time. Differences in leaves that raise #VE, in bits the guest may clear itself (#VE reduction) and in /proc/cpuinfo flags the guest kernel hides are explained (info); others are reported as unexplained.",
    source: 'tdx-cpuid-model.md 2.1 (#VE leaves read as zeros in a Linux guest), 2.2 (REDUCE_VE, guest-controlled bits) and 5; Linux arch/x86/coco/tdx/tdx.c (CPUID #VE handling)',
    layers: ['guest', 'td'],
  },
  check(ctx) {
    const g = ctx.state.captured.guest;
    const t = ctx.layers.td;
    if (!g || !t || !predictionUsable(ctx)) return [];
    const flags = ctx.guestDump?.valueKind === 'flags';
    const veLeaves = new Set(ctx.state.predicted.guest.veLeaves.map(leafKeyString));
    const controlled = ctx.state.predicted.guest.guestControlled;
    const ve = group();
    const veKeys: string[] = [];
    const masked = group();
    const guestCtl = group();
    const unexplained = group();
    const unexpectedData: string[] = [];
    for (const k of g.keys) {
      if (isKvmPvLeaf(k.leaf)) continue;
      const inVe = veLeaves.has(leafKeyString(k));
      if (!t.has(k.leaf, k.subleaf)) {
        // Not in the TD's table (faulting/absent): the guest should read zeros.
        const nonzero = REGS.some((r) => {
          const b = layerReg(g, k.leaf, k.subleaf, r)!;
          return (b.v & b.k) !== 0;
        });
        if (nonzero && inVe) unexpectedData.push(formatLeafKey(k));
        continue;
      }
      for (const reg of REGS) {
        const gb = layerReg(g, k.leaf, k.subleaf, reg)!;
        const tb = layerReg(t, k.leaf, k.subleaf, reg)!;
        const d = (diffMask(gb, tb) & ~dynamicMask(k.leaf, k.subleaf, reg)) >>> 0;
        if (!d) continue;
        const ctl = controlled.get(capsKey(k.leaf, k.subleaf, reg)) ?? 0;
        for (const bit of bitsOf(d)) {
          const a: BitAddress = { leaf: k.leaf, subleaf: k.subleaf, reg, bit };
          const gv = (gb.v >>> bit) & 1;
          const w = `${bitLabel(a)} (guest ${gv}, TD ${(tb.v >>> bit) & 1})`;
          const into = inVe && gv === 0 ? ve : ctl & (1 << bit) && gv === 0 ? guestCtl : flags && gv === 0 ? masked : unexplained;
          into.bits.push(a);
          if (into === ve) {
            const lk = formatLeafKey(k);
            if (veKeys[veKeys.length - 1] !== lk) veKeys.push(lk);
            // Only named features are worth listing in a #VE leaf (cache descriptors, topology fields are not).
            if (bitName(a)) into.words.push(w);
          } else into.words.push(w);
        }
      }
    }
    const out: RuleResult[] = [];
    const src = ctx.origin.td === 'captured' ? 'the captured TD CPUID' : `the TD's CPUID predicted for ${moduleWords(ctx)}`;
    if (ve.bits.length) {
      out.push({
        bits: ve.bits,
        severity: 'info',
        message: `The guest reads zeros in leaves that raise #VE for it, where ${src} has data: leaf ${listWords(veKeys, 12)}${ve.words.length ? ` (${listWords(ve.words, 6)})` : ''}. A Linux TD answers a #VE'd CPUID with zeros${ctx.module.info.veReduction ? ' unless it enabled #VE reduction' : ''}; expected.`,
      });
    }
    if (guestCtl.bits.length) {
      out.push({
        bits: guestCtl.bits,
        severity: 'info',
        message: `The guest cleared bits it may control itself with #VE reduction (FEATURE_PARAVIRT_CTRL): ${listWords(guestCtl.words)}. Expected when the guest enabled TD_CTLS.REDUCE_VE.`,
      });
    }
    if (masked.bits.length) {
      out.push({
        bits: masked.bits,
        severity: 'info',
        message: `/proc/cpuinfo in the guest does not list features the TD has: ${listWords(masked.words)}. The guest kernel prints only the features it knows and enables (guest kernel masking); the CPUID instruction still returns them.`,
      });
    }
    if (unexpectedData.length) {
      out.push({
        bits: [],
        severity: 'info',
        message: `The guest reads data in leaves that raise #VE for a guest without #VE reduction: ${listWords(unexpectedData)}. The guest enabled #VE reduction (TD_CTLS.REDUCE_VE), or the module is not ${ctx.module.version}.`,
      });
    }
    if (unexplained.bits.length) {
      out.push({
        bits: unexplained.bits,
        message: `The guest's CPUID differs from ${src} on ${unexplained.bits.length} bit(s) that neither #VE, #VE reduction nor guest kernel masking explain: ${listWords(unexplained.words, 10)}. Was the guest dump taken on this host, with this module? Otherwise the guest kernel or the module changed them.`,
      });
    }
    return out;
  },
};
