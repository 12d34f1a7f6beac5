// The layers of tdx-cpuid-model.md section 1, by the names the CLI contract uses for
// `bits[].values`. The module (M) is a policy table, not a layer of values.

export type LayerId =
  | 'host' // H: native CPUID per logical processor
  | 'kvmSupported' // K: KVM_GET_SUPPORTED_CPUID
  | 'tdxCaps' // C: KVM_TDX_CAPABILITIES configurable CPUID
  | 'qemuSupported' // Q: QEMU's TDX-supported set
  | 'requested' // U: what the QEMU command line asks for
  | 'initVm' // I: KVM_TDX_INIT_VM CPUID entries
  | 'td' // T: the TD's CPUID stored by the module (KVM_TDX_GET_CPUID)
  | 'setCpuid' // S: KVM_SET_CPUID2 (KVM's belief about the guest)
  | 'guest'; // G: what the guest observes

export const LAYER_IDS: readonly LayerId[] = [
  'host',
  'kvmSupported',
  'tdxCaps',
  'qemuSupported',
  'requested',
  'initVm',
  'td',
  'setCpuid',
  'guest',
];

export const LAYER_SYMBOL: Readonly<Record<LayerId, string>> = {
  host: 'H',
  kvmSupported: 'K',
  tdxCaps: 'C',
  qemuSupported: 'Q',
  requested: 'U',
  initVm: 'I',
  td: 'T',
  setCpuid: 'S',
  guest: 'G',
};

export const LAYER_TITLE: Readonly<Record<LayerId, string>> = {
  host: 'Host CPU',
  kvmSupported: 'KVM supported',
  tdxCaps: 'TDX capabilities',
  qemuSupported: 'QEMU supported',
  requested: 'Requested (-cpu)',
  initVm: 'INIT_VM config',
  td: 'TD (module)',
  setCpuid: 'KVM SET_CPUID2',
  guest: 'Guest view',
};

/** What a classified input feeds; `context` = dmesg, QEMU log/command line (versions, options). */
export type InputRole = LayerId | 'context';
