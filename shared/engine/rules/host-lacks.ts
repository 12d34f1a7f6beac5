// host-lacks: a bit that is configurable only together with the host (allow_direct: the TD
// gets host AND configured) is requested or configured, but the host CPU lacks it, so the TD
// silently gets 0 (tdx-cpuid-model.md 2 "allow_direct", 5). QEMU's -cpu host never asks for
// such a bit by itself; it comes from an explicit +flag, or from a captured payload.

import type { BitAddress } from '../../model/address';
import { REGS, bitsOf } from '../../model/address';
import { layerReg } from '../layer';
import type { Rule, RuleResult } from './types';
import { bitLabel, predictionUsable } from './words';

export const hostLacks: Rule = {
  meta: {
    id: 'host-lacks',
    severity: 'warning',
    title: 'Configurable-and-native bit requested, but the host lacks it',
    description:
      "For allow_direct bits the TD gets the host's value AND the configured one. When the VMM asks for such a bit (QEMU -cpu +flag, or a KVM_TDX_INIT_VM payload) and the host CPU lacks it, the module gives the TD 0 without any error; QEMU reports it only as \"host doesn't support requested feature\" with check.",
    source: 'tdx-cpuid-model.md 2 (allow_direct: native AND configured) and 5; TDX module tdh_mng_init.c (ALLOW_DIRECT handling)',
    layers: ['requested', 'initVm', 'host', 'td'],
  },
  check(ctx) {
    if (!ctx.hasHost || !predictionUsable(ctx)) return [];
    const u = ctx.layers.requested;
    const i = ctx.layers.initVm;
    const out: RuleResult[] = [];
    for (const e of ctx.module.configSlots) {
      if (!e) continue;
      REGS.forEach((reg, n) => {
        const ad = e.regs[n]!.allowDirect;
        if (!ad) return;
        const h = ctx.host.reg(e.leaf, e.subleaf, reg);
        const lacks = (ad & h.k & ~h.v) >>> 0;
        if (!lacks) return;
        const ub = u ? layerReg(u, e.leaf, e.subleaf, reg) : undefined;
        const ib = i ? layerReg(i, e.leaf, e.subleaf, reg) : undefined;
        const asked = ((ub ? ub.v & ub.k : 0) | (ib ? ib.v & ib.k : 0)) & lacks;
        for (const bit of bitsOf(asked >>> 0)) {
          const a: BitAddress = { leaf: e.leaf, subleaf: e.subleaf, reg, bit };
          const m = 1 << bit;
          const by = ib && ib.v & m ? (ctx.origin.initVm === 'captured' ? 'the captured KVM_TDX_INIT_VM payload configures it' : 'the KVM_TDX_INIT_VM configuration has it') : `QEMU -cpu ${ctx.context.cpu.text} requests it`;
          out.push({
            bits: [a],
            message: `${bitLabel(a, true)}: ${by}, but the host CPU lacks it. ${ctx.module.version} treats it as configurable and native (allow_direct), so the TD gets host AND configured = 0, silently; QEMU says only "host doesn't support requested feature" (with check).`,
          });
        }
      });
    }
    return out;
  },
};
