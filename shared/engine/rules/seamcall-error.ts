// seamcall-error: SEAMCALL failures a bug report shows (dmesg `SEAMCALL ... failed: 0x...`,
// QEMU `TDX ioctl ... failed, hw_errors: 0x...`), decoded into the status name, its class and
// operand, and what it means for CPUID (tdx-cpuid-model.md 6). TDX_OPERAND_INVALID with
// operand CPUID_CONFIG is left to config-not-configurable, which names the bits.

import type { Rule, RuleResult } from './types';
import { observedFailures } from './observed';
import { moduleWords } from './words';

export const seamcallError: Rule = {
  meta: {
    id: 'seamcall-error',
    severity: 'error',
    title: 'A SEAMCALL failed (decoded status)',
    description:
      'Decodes the SEAMCALL completion statuses that dmesg and the QEMU log show: bits 63:32 name the status (class and details), bits 31:0 the operand for operand errors. CPUID-related statuses are tied to the module table: TDX_INCORRECT_CPUID_VALUE means the host failed the verify masks at module initialization.',
    source: 'tdx-cpuid-model.md 6; TDX module include/auto_gen_1_5/tdx_error_codes_defs.h, tdx_api_defs.h (api_error_code_t); Linux arch/x86/include/asm/tdx.h, arch/x86/kvm/vmx/tdx.c',
    layers: ['context', 'module'],
  },
  check(ctx) {
    const out: RuleResult[] = [];
    for (const f of observedFailures(ctx.inputs)) {
      const d = f.decoded;
      if (d.cpuidConfig) continue;
      let extra = '';
      if (d.name === 'TDX_INCORRECT_CPUID_VALUE' || d.name === 'TDX_INCONSISTENT_CPUID_FIELD') {
        const init = ctx.state.status.moduleInitializes;
        extra =
          init === false
            ? ' The host dump fails the verify masks too (see module-init-verify).'
            : init === true
              ? ` The host dump passes the verify masks of ${moduleWords(ctx)}: the module loaded is probably another version, or the dump was not taken on this host.`
              : '';
      }
      out.push({
        bits: [],
        ...(d.error ? {} : { severity: 'info' as const }),
        message: `${f.where}: ${f.call} returned ${d.hex} = ${d.text}.${extra}`,
      });
    }
    return out;
  },
};
