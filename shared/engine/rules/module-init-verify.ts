// module-init-verify: the host fails a verify_mask/verify_value check of the module's CPUID
// table, so TDH.SYS.INIT would fail with TDX_INCORRECT_CPUID_VALUE and TDX would not come up
// (tdx-cpuid-model.md 2 and 5). Typical causes: a non-Intel or client CPU, or a table that does
// not belong to this platform (wrong module version assumed).

import type { BitAddress } from '../../model/address';
import { bitsOf, formatLeafKey, hex32 } from '../../model/address';
import { layoutOf } from '../../knowledge/bits';
import type { Rule, RuleResult } from './types';

function describe(bits: readonly BitAddress[]): string {
  const names = bits.slice(0, 8).map((b) => {
    const e = layoutOf(b.leaf, b.subleaf, b.reg).byBit[b.bit];
    const name = e?.displayName ? ` ${e.displayName}` : '';
    return `${formatLeafKey(b)}.${b.reg.toUpperCase()}[${b.bit}]${name}`;
  });
  return bits.length > 8 ? `${names.join(', ')} and ${bits.length - 8} more` : names.join(', ');
}

export const moduleInitVerify: Rule = {
  meta: {
    id: 'module-init-verify',
    severity: 'error',
    title: "Host fails the TDX module's CPUID verification",
    description:
      'At platform initialization (TDH.SYS.INIT) the module requires (native & verify_mask) == verify_value for every entry of its CPUID table. A host that fails it cannot run this module at all; the TD prediction is shown for inspection only.',
    source: 'tdx-cpuid-model.md 2 (verify_mask/verify_value); TDX module include/auto_gen*/cpuid_configurations.c, TDH.SYS.INIT',
    layers: ['host', 'module'],
  },
  check(ctx) {
    if (!ctx.hasHost) return [];
    const failures = ctx.state.moduleInitFailures;
    if (failures.length === 0) return [];
    const bits: BitAddress[] = [];
    const regs: string[] = [];
    for (const f of failures) {
      for (const bit of bitsOf(f.bits)) bits.push({ leaf: f.leaf, subleaf: f.subleaf, reg: f.reg, bit });
      regs.push(`${formatLeafKey(f)}.${f.reg.toUpperCase()} has ${hex32(f.found)} where the module requires ${hex32(f.expected)} (mask ${hex32(f.expected | f.bits)})`);
    }
    const vendor = ctx.host.vendor;
    const cause =
      vendor && vendor !== 'GenuineIntel'
        ? `the host is not an Intel CPU (${vendor})`
        : ctx.state.context.moduleChoice.from === 'default'
          ? 'the host does not have the features this module requires (a client CPU or an older Xeon?), or the assumed module version does not fit'
          : 'the host does not have the features this module version requires';
    const result: RuleResult = {
      bits,
      message: `TDX module ${ctx.module.version} would not initialize on this host: ${cause}. Failing bits: ${describe(bits)}. ${regs.slice(0, 4).join('; ')}${regs.length > 4 ? `; and ${regs.length - 4} more registers` : ''}.`,
    };
    return [result];
  },
};
