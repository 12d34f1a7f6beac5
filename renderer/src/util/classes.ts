// How the UI names the virtualization classes and gates (tdx-cpuid-model.md section 2):
// a short tag (the non-colour cue in cells and chips) and a sentence for the inspector.

import type { BitClass, Gate } from '../../../shared/engine/types';
import { xfamTitle } from '../../../shared/knowledge/td-params';

export interface ClassInfo {
  readonly tag: string;
  readonly title: string;
  readonly description: string;
}

export const CLASS_INFO: Readonly<Record<BitClass, ClassInfo>> = {
  FIXED1: { tag: 'F1', title: 'Fixed 1', description: 'The module forces this bit to 1 in the TD.' },
  FIXED0: { tag: 'F0', title: 'Fixed 0', description: 'The module forces this bit to 0 in the stored TD value.' },
  DYNAMIC: {
    tag: 'DYN',
    title: 'Dynamic',
    description: 'Stored as 0 and computed by the module on every CPUID exit (APIC ID, OSXSAVE, OSPKE, SYSCALL...).',
  },
  CONFIG_DIRECT: { tag: 'CFG', title: 'Configurable', description: 'The TD gets exactly what the VMM configured (config_direct).' },
  CONFIG_AND_NATIVE: {
    tag: 'C&N',
    title: 'Configurable and native',
    description: 'The TD gets host AND configured (allow_direct): the VMM can only clear a bit the CPU has.',
  },
  NATIVE_VERIFIED_1: {
    tag: 'V1',
    title: 'Native, verified 1',
    description: 'Native value the module verifies to be 1 at platform init: 1 on every host where TDX works.',
  },
  NATIVE_VERIFIED_0: {
    tag: 'V0',
    title: 'Native, verified 0',
    description: 'Native value the module verifies to be 0 at platform init: 0 on every host where TDX works.',
  },
  NATIVE: { tag: 'NAT', title: 'Native', description: 'The host value sampled at platform init, passed through unchanged.' },
  FAULTING: {
    tag: '#VE',
    title: 'Faulting leaf',
    description: 'CPUID of this leaf raises #VE; a Linux guest reads zeros unless #VE reduction is enabled.',
  },
  ABSENT: { tag: 'ABS', title: 'Absent leaf', description: "The leaf is not in the module's table: CPUID raises #VE in the TD." },
  KVM_PV: { tag: 'PV', title: 'KVM paravirtual', description: "KVM's paravirtual range: answered by KVM from KVM_SET_CPUID2, never by the module." },
};


export function gateText(gate: Gate): string {
  const [kind, arg] = gate.split(':', 2) as [string, string | undefined];
  if (kind === 'XFAM' && arg !== undefined) {
    const name = xfamTitle(Number(arg));
    return `needs XFAM[${arg}]${name ? ` (${name})` : ''} enabled for the TD`;
  }
  if (kind === 'ATTR' && arg !== undefined) return `follows the TD attribute ${arg}`;
  if (kind === 'CPUID' && arg !== undefined) return `depends on CPUID ${arg} in the TD`;
  if (kind === 'CALCULATED') return 'calculated by the module from the TD configuration';
  return gate;
}
