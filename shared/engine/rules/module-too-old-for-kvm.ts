// module-too-old-for-kvm: upstream KVM (the 6.16 TDX ABI) requires TDX_FEATURES0.TOPOLOGY_ENUM,
// which modules before 1.5.05 lack, so KVM does not offer TDX with them
// (tdx-cpuid-model.md 2.2 "Upstream KVM needs TDX_FEATURES0.TOPOLOGY_ENUM, i.e. 1.5.05 or later").

import { compareModuleVersions, parseModuleVersion } from '../../knowledge/tdx-module/versions';
import type { Rule } from './types';
import { predictionUsable } from './words';

const MIN = parseModuleVersion('1.5.05')!;

export const moduleTooOldForKvm: Rule = {
  meta: {
    id: 'module-too-old-for-kvm',
    severity: 'error',
    title: 'TDX module too old for upstream KVM',
    description: 'Upstream KVM (Linux 6.16 TDX ABI) needs the TOPOLOGY_ENUM feature of TDX_FEATURES0, first in module 1.5.05; with an older module KVM does not enable TDX and no TD can be created.',
    source: 'tdx-cpuid-model.md 2.2; Linux arch/x86/kvm/vmx/tdx.c (6.16, TDX_FEATURES0 check)',
    layers: ['module', 'context'],
  },
  check(ctx) {
    if (ctx.kvm.tdx.abi !== '6.16' || !predictionUsable(ctx)) return [];
    const v = ctx.module.info.parsed;
    if (compareModuleVersions(v, MIN) >= 0) return [];
    return [
      {
        bits: [],
        message: `Module ${ctx.module.version} lacks TDX_FEATURES0.TOPOLOGY_ENUM, which upstream KVM (kernel ${ctx.context.kernelRequested}, 6.16 TDX ABI) requires: KVM does not offer TDX with it. Update the module to 1.5.05 or later, or use a kernel with the older TDX ABI.`,
      },
    ];
  },
};
