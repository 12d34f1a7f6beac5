// fms-min-stepping: the packages of the host have different steppings. The module reports
// the minimum stepping of all packages as the platform FMS; a TD's CPUID 1.EAX is either 0
// (= the platform FMS) or must equal it for a non-migratable TD, else TDH.MNG.INIT fails
// with 0xC000010000000045 (tdx-cpuid-model.md 2.1 "1.EAX family/model/stepping").

import type { BitAddress } from '../../model/address';
import { decodeFms } from '../../model/fms';
import { preflightOf } from '../preflight';
import { registerDifference } from './dump-differences';
import type { Rule, RuleResult } from './types';
import { hex, maskBits, moduleWords, predictionUsable } from './words';

const STEPPING: readonly BitAddress[] = maskBits(1, null, 'eax', 0xf);

export const fmsMinStepping: Rule = {
  meta: {
    id: 'fms-min-stepping',
    severity: 'warning',
    title: 'Packages of different steppings',
    description:
      "The TD sees the platform FMS: the minimum stepping over all packages. QEMU's -cpu host takes 1.EAX from the CPU it runs on, so on a mixed-stepping host the configured FMS must be 0 or the minimum stepping, or TDH.MNG.INIT rejects the configuration.",
    source: 'tdx-cpuid-model.md 2.1 (1.EAX: 0 means the platform FMS, the minimum stepping); TDX module TDH.SYS.INIT special handling of leaf 1 and TDH.MNG.INIT FMS check',
    layers: ['host', 'initVm', 'module'],
  },
  check(ctx) {
    if (!ctx.hasHost || !predictionUsable(ctx)) return [];
    const out: RuleResult[] = [];
    // CPUs grouped by 1.EAX (only when 1.EAX differs at all: cached per dump).
    const sigs = new Map<number, number[]>();
    const d = registerDifference(ctx.host.dump, 1, null, 'eax');
    if (d) {
      for (const [id, s] of d.byCpu) {
        const list = sigs.get(s) ?? [];
        list.push(id);
        sigs.set(s, list);
      }
    }
    const fail = preflightOf(ctx.state).find((p) => p.check === 'fms');
    if (sigs.size > 1) {
      const list = [...sigs.entries()].sort((a, b) => a[0] - b[0]);
      const models = new Set(list.map(([s]) => s & ~0xf));
      const words = list.map(([s, ids]) => `${hex(s)} (stepping ${decodeFms(s).stepping}) on ${ids.length} CPU(s)`).join(', ');
      if (models.size > 1) {
        out.push({
          bits: maskBits(1, null, 'eax', 0x0fff3ff0),
          severity: 'error',
          message: `The host's CPUs report different family/model values in 1.EAX: ${words}. MCHECK and the TDX module require one family and model on every package; TDX does not come up on such a platform.`,
        });
      } else {
        const min = ctx.host.platformFms ?? list[0]![0];
        out.push({
          bits: STEPPING,
          severity: fail ? 'error' : 'warning',
          message: `The host's packages have different steppings: ${words}. ${moduleWords(ctx)} reports the minimum, ${hex(min)} (stepping ${decodeFms(min).stepping}), as the platform FMS; a TD configured with 1.EAX = 0 sees it. ${
            fail
              ? `The configuration gives 1.EAX = ${hex(ctx.host.dump.cpus[0]?.table.regOf(1, null, 'eax') ?? 0)} (CPU 0's, as QEMU -cpu host does): ${fail.outcome}: ${fail.message}.`
              : 'QEMU -cpu host takes the FMS of the CPU QEMU runs on: when that is not the minimum stepping, TDH.MNG.INIT fails with 0xC000010000000045 for a non-migratable TD.'
          }`,
        });
      }
    } else if (fail) {
      out.push({ bits: fail.bits, severity: 'error', message: `${fail.outcome}: ${fail.message}.` });
    }
    return out;
  },
};
