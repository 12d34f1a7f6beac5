// prediction-mismatch: a captured layer (the TD's CPUID from KVM_TDX_GET_CPUID, the
// KVM_TDX_CAPABILITIES, KVM_GET_SUPPORTED_CPUID) differs from what the engine predicts for
// the assumed host, module, kernel and QEMU: either a wrong version was assumed, or the
// module or KVM does not behave as modelled (tdx-cpuid-model.md 1 "verifies them against the
// prediction", 5).

import type { BitAddress } from '../../model/address';
import { REGS, bitsOf, formatLeafKey } from '../../model/address';
import type { Layer } from '../layer';
import { layerReg } from '../layer';
import { moduleTable, moduleVersions } from '../../knowledge/tdx-module/module-table';
import { tdxEntriesLayer } from '../captured';
import { dynamicMask } from '../classes';
import { predictTdxCaps } from '../predict/tdx-caps';
import type { Rule, RuleContext, RuleResult } from './types';
import { bitLabel, diffMask, hex, listWords, moduleWords, predictionUsable } from './words';

interface Compared {
  readonly bits: BitAddress[];
  readonly words: string[];
  readonly onlyCaptured: string[];
  readonly onlyPredicted: string[];
}

function compare(captured: Layer, predicted: Layer, skipDynamic: boolean): Compared {
  const bits: BitAddress[] = [];
  const words: string[] = [];
  const onlyCaptured: string[] = [];
  const onlyPredicted: string[] = [];
  for (const k of captured.keys) {
    if (!predicted.has(k.leaf, k.subleaf)) {
      onlyCaptured.push(formatLeafKey(k));
      continue;
    }
    for (const reg of REGS) {
      const c = layerReg(captured, k.leaf, k.subleaf, reg)!;
      const p = layerReg(predicted, k.leaf, k.subleaf, reg)!;
      let d = diffMask(c, p);
      if (skipDynamic) d &= ~dynamicMask(k.leaf, k.subleaf, reg);
      for (const bit of bitsOf(d >>> 0)) {
        const a: BitAddress = { leaf: k.leaf, subleaf: k.subleaf, reg, bit };
        bits.push(a);
        words.push(`${bitLabel(a)} (captured ${(c.v >>> bit) & 1}, predicted ${(p.v >>> bit) & 1})`);
      }
    }
  }
  for (const k of predicted.keys) if (!captured.has(k.leaf, k.subleaf)) onlyPredicted.push(formatLeafKey(k));
  return { bits, words, onlyCaptured, onlyPredicted };
}

/** Module versions whose predicted KVM_TDX_CAPABILITIES equal the captured ones exactly. */
function modulesMatchingCaps(ctx: RuleContext): string[] {
  const captured = ctx.state.captured.tdxCaps;
  if (!captured) return [];
  const k = ctx.state.predicted.kvmSupported;
  const out: string[] = [];
  for (const v of moduleVersions()) {
    const m = moduleTable(v)!;
    const p = predictTdxCaps(ctx.host, m, ctx.kvm, k.supportedXcr0, k.supportedXss);
    const c = compare(tdxEntriesLayer(captured.caps.cpuid, m), p.layer, false);
    if (c.bits.length === 0 && c.onlyCaptured.length === 0 && c.onlyPredicted.length === 0) out.push(v);
  }
  return out;
}

function result(ctx: RuleContext, what: string, c: Compared, cause: string, extra: string[] = []): RuleResult | null {
  const parts: string[] = [];
  if (c.bits.length) parts.push(`${c.bits.length} bit(s) differ: ${listWords(c.words, 10)}`);
  if (c.onlyCaptured.length) parts.push(`the capture has leaves the prediction lacks: ${listWords(c.onlyCaptured, 10)}`);
  parts.push(...extra);
  if (parts.length === 0) return null;
  return {
    bits: c.bits,
    message: `${what} differs from the prediction for ${moduleWords(ctx)}, kernel ${ctx.context.kernelRequested}: ${parts.join('; ')}. ${cause}`,
  };
}

export const predictionMismatch: Rule = {
  meta: {
    id: 'prediction-mismatch',
    severity: 'warning',
    title: 'A captured layer differs from the prediction',
    description:
      'Captured KVM_TDX_GET_CPUID (T), KVM_TDX_CAPABILITIES (C) and KVM_GET_SUPPORTED_CPUID (K) are compared bit by bit with what the engine predicts from the host, the module table and the kernel. A difference means a wrong module or kernel version was assumed, or the module or KVM does not behave as documented.',
    source: 'tdx-cpuid-model.md 1 (captured layers are verified against the prediction), 2.1, 3 and 5',
    layers: ['td', 'tdxCaps', 'kvmSupported'],
  },
  check(ctx) {
    if (!predictionUsable(ctx)) return [];
    const out: RuleResult[] = [];
    const cause = 'Wrong module/kernel version assumed (check dmesg), or a module/KVM bug.';
    const st = ctx.state;
    if (st.captured.td && ctx.hasHost) {
      // KVM_TDX_GET_CPUID omits faulting leaves and stops at the first failing sub-leaf: only leaves both sides have are compared.
      const c = compare(st.captured.td, st.predicted.td.layer, true);
      const r = result(ctx, 'The captured TD CPUID (KVM_TDX_GET_CPUID)', c, cause);
      if (r) out.push({ ...r, layers: ['td', 'module'] });
    }
    if (st.captured.tdxCaps && ctx.hasHost) {
      const c = compare(st.captured.tdxCaps.layer, st.predicted.tdxCaps.layer, false);
      const caps = st.captured.tdxCaps.caps;
      const extra: string[] = [];
      if (caps.abi === st.predicted.tdxCaps.abi) {
        if (caps.supportedAttrs !== st.predicted.tdxCaps.supportedAttrs) extra.push(`supported_attrs is ${hex(caps.supportedAttrs)}, predicted ${hex(st.predicted.tdxCaps.supportedAttrs)}`);
        if (caps.supportedXfam !== st.predicted.tdxCaps.supportedXfam) extra.push(`supported_xfam is ${hex(caps.supportedXfam)}, predicted ${hex(st.predicted.tdxCaps.supportedXfam)}`);
      } else extra.push(`the capture uses the ${caps.abi} ABI, the assumed kernel the ${st.predicted.tdxCaps.abi} ABI`);
      if (c.onlyPredicted.length) extra.push(`the capture lacks configurable leaves of ${ctx.module.version}: ${listWords(c.onlyPredicted, 10)}`);
      let why = cause;
      if (c.bits.length || c.onlyCaptured.length || c.onlyPredicted.length) {
        const match = modulesMatchingCaps(ctx);
        if (match.length) why = `The capture matches exactly the prediction for module ${listWords(match, 6)}: the host runs ${match.length > 1 ? 'one of these modules' : 'that module'}, not ${ctx.module.version}.`;
      }
      const r = result(ctx, 'The captured KVM_TDX_CAPABILITIES', c, why, extra);
      if (r) out.push({ ...r, layers: ['tdxCaps', 'module'] });
    }
    if (st.captured.kvmSupported && ctx.hasHost) {
      const c = compare(st.captured.kvmSupported, st.predicted.kvmSupported.layer, false);
      const r = result(ctx, 'The captured KVM_GET_SUPPORTED_CPUID', c, 'Wrong kernel version assumed, a different kernel configuration or module parameters (see the assumptions), or a KVM change the knowledge base does not have.');
      if (r) out.push({ ...r, severity: 'info', layers: ['kvmSupported', 'host'] });
    }
    return out;
  },
};
