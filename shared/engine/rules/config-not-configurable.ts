// config-not-configurable: the CPUID configuration handed to TDH.MNG.INIT sets bits that are
// neither config_direct nor allow_direct in the module's table (or breaks a special check:
// HLE = RTM), so the module returns TDX_OPERAND_INVALID with operand CPUID_CONFIG,
// hw_error 0xC000010000000045, and the TD is not created (tdx-cpuid-model.md 2.1, 5, 6).
// Also decodes that status when a QEMU log or dmesg shows it, into the leaf (RCX) and the
// bits that explain it.

import type { BitAddress } from '../../model/address';
import { formatLeafKey, sameLeafKey } from '../../model/address';
import type { ModuleTable } from '../../knowledge/tdx-module/module-table';
import { moduleTable, moduleVersions } from '../../knowledge/tdx-module/module-table';
import { layerReg } from '../layer';
import type { PreflightProblem } from '../preflight';
import { preflightOf } from '../preflight';
import type { Rule, RuleContext, RuleResult } from './types';
import { observedFailures } from './observed';
import { bitList, listWords, maskBits, moduleWords, predictionUsable } from './words';

/** Module versions in which every one of the bits is configurable. */
function versionsAllowing(bits: readonly BitAddress[], except: string): string[] {
  const out: string[] = [];
  for (const v of moduleVersions()) {
    if (v === except) continue;
    const t = moduleTable(v)!;
    if (bits.every((b) => allowed(t, b))) out.push(v);
  }
  return out;
}

function allowed(t: ModuleTable, b: BitAddress): boolean {
  const e = t.get(b.leaf, b.subleaf);
  if (!e || e.configIndex === null) return false;
  const m = t.masks(e, b.reg);
  return (((m.configDirect | m.allowDirect) >>> b.bit) & 1) === 1;
}

function configSource(ctx: RuleContext): string {
  if (ctx.origin.initVm === 'captured') return 'the captured KVM_TDX_INIT_VM payload';
  if (ctx.origin.tdxCaps === 'captured') return "QEMU's configuration (masked with the captured KVM_TDX_CAPABILITIES)";
  return "QEMU's configuration";
}

function predictedResult(ctx: RuleContext, p: PreflightProblem): RuleResult {
  let hint = '';
  if (p.check === 'cpuid-config') {
    const others = versionsAllowing(p.bits, ctx.module.version);
    hint = others.length
      ? ` ${p.bits.length === 1 ? 'This bit is' : 'These bits are'} configurable in module ${listWords(others, 6)}: if the payload was built for another module version, the module in use is not the one assumed.`
      : ' No known module version lets the VMM configure them: the VMM (QEMU/KVM) should not have offered them.';
  }
  return {
    bits: p.bits,
    message: `${p.outcome}: ${configSource(ctx)} ${p.message.replace(/^the CPUID configuration /, '')}.${hint}`,
  };
}

/**
 * Bits QEMU's CPU model asks for in a configurable leaf that this module does not let the
 * VMM configure but another module version does (with the host's value): what a VMM gets
 * through when its capabilities come from another module than the one loaded.
 */
function otherModuleBits(ctx: RuleContext, leaf: { leaf: number; subleaf: number | null } | null): { bits: BitAddress[]; versions: string[] } {
  const s = ctx.layers.setCpuid;
  if (!s) return { bits: [], versions: [] };
  const bits: BitAddress[] = [];
  const versions = new Set<string>();
  for (const e of ctx.module.configSlots) {
    if (!e || (leaf && !sameLeafKey(e, leaf))) continue;
    (['eax', 'ebx', 'ecx', 'edx'] as const).forEach((reg, i) => {
      const v = layerReg(s, e.leaf, e.subleaf, reg);
      if (!v) return;
      const m = e.regs[i]!;
      let asked = (v.v & v.k & ~(m.configDirect | m.allowDirect)) >>> 0;
      if (e.leaf === 0x80000008 && reg === 'eax') asked &= 0xff00ffff;
      if (!asked) return;
      const h = ctx.host.reg(e.leaf, e.subleaf, reg);
      let other = 0;
      for (const ver of moduleVersions()) {
        const t = moduleTable(ver)!;
        const o = t.get(e.leaf, e.subleaf);
        if (!o || o.configIndex === null) continue;
        const om = o.regs[i]!;
        const ok = (asked & (om.configDirect | (om.allowDirect & h.v & h.k))) >>> 0;
        if (ok) versions.add(ver);
        other |= ok;
      }
      bits.push(...maskBits(e.leaf, e.subleaf, reg, other >>> 0));
    });
  }
  return { bits, versions: [...versions] };
}

export const configNotConfigurable: Rule = {
  meta: {
    id: 'config-not-configurable',
    severity: 'error',
    title: 'CPUID configuration the TDX module rejects (0xC000010000000045)',
    description:
      'TDH.MNG.INIT accepts in the TD_PARAMS CPUID configuration only bits that are config_direct or allow_direct in its configurable table (and HLE equal to RTM). Anything else fails with TDX_OPERAND_INVALID, operand 0x45 CPUID_CONFIG (hw_error 0xC000010000000045), with the failing leaf in RCX. The finding names the bits, and decodes the status where a QEMU log or dmesg shows it.',
    source:
      'tdx-cpuid-model.md 2.1, 5 and 6; TDX module tdh_mng_init.c (CPUID_CONFIG check), include/auto_gen*/cpuid_configurations.c; intel/confidential-computing.tdx.tdx-module issue #24',
    layers: ['initVm', 'module'],
  },
  check(ctx) {
    const out: RuleResult[] = [];
    const problems = predictionUsable(ctx) ? preflightOf(ctx.state).filter((p) => p.stage === 'module' && (p.check === 'cpuid-config' || p.check === 'hle-rtm')) : [];
    for (const p of problems) out.push(predictedResult(ctx, p));
    for (const f of observedFailures(ctx.inputs)) {
      if (!f.decoded.cpuidConfig) continue;
      // RCX names the leaf as the module's table does; a leaf without sub-leaves may be printed with sub-leaf 0.
      const raw = f.decoded.leaf;
      const leaf = raw && raw.subleaf === 0 && ctx.module.get(raw.leaf, null) ? { leaf: raw.leaf, subleaf: null } : raw;
      const explained = problems.filter((p) => !leaf || (p.leaf && sameLeafKey(p.leaf, leaf)));
      let bits: BitAddress[];
      let why: string;
      if (explained.length) {
        bits = explained.flatMap((p) => p.bits);
        why = `The prediction explains it: ${bitList(bits, 8, true)} (see the finding above).`;
      } else {
        const other = otherModuleBits(ctx, leaf);
        bits = other.bits;
        why = bits.length
          ? `With ${moduleWords(ctx)} the predicted configuration passes, but QEMU's CPU model asks for ${bitList(bits, 8, true)}${leaf ? ` in leaf ${formatLeafKey(leaf)}` : ''}, which ${ctx.module.version} does not let the VMM configure while module ${listWords(other.versions, 6)} do: if KVM's capabilities came from such a module (KVM_TDX_CAPABILITIES captured on another boot, or another module loaded than assumed), QEMU configures them and ${ctx.module.version} rejects them.`
          : `With ${moduleWords(ctx)} no configured bit${leaf ? ` of leaf ${formatLeafKey(leaf)}` : ''} is outside config_direct | allow_direct: the module in use is probably not ${ctx.module.version} (check the module version in dmesg), or the configuration differs from the one assumed (capture the KVM_TDX_INIT_VM payload).`;
      }
      const leafWords = leaf ? ` RCX = ${formatLeafKey(leaf)}: the check failed on CPUID leaf ${formatLeafKey(leaf)}${leaf.subleaf === null ? '' : ` sub-leaf ${leaf.subleaf}`}.` : '';
      out.push({
        bits,
        layers: ['initVm', 'module', 'context'],
        message: `${f.where}: ${f.call} failed with ${f.decoded.hex} = TDX_OPERAND_INVALID, operand 0x45 CPUID_CONFIG: TDH.MNG.INIT rejected the CPUID configuration and the TD was not created.${leafWords} ${why}`,
      });
    }
    return out;
  },
};

