// Small hand-made reconciliations for tests of the interface's own logic (filtering,
// selection, keyboard, rendering). Tests of the analysis use the real engine on real
// inputs instead.

import type { BitClass, BitRow, FieldRow, Finding, Reconciliation } from '../../shared/engine/types';
import type { Reg } from '../../shared/model/address';
import { LAYER_IDS } from '../../shared/model/layers';
import type { LayerId } from '../../shared/model/layers';

type Values<V> = Record<LayerId, V | null>;

function values<V>(given: Partial<Record<LayerId, V>>): Values<V> {
  const out = {} as Values<V>;
  for (const l of LAYER_IDS) out[l] = given[l] ?? null;
  return out;
}

export function bit(
  leaf: number,
  subleaf: number | null,
  reg: Reg,
  n: number,
  name: string | null,
  cls: BitClass,
  v: Partial<Record<LayerId, 0 | 1>>,
  extra: Partial<Pick<BitRow, 'disagreement' | 'decidedBy' | 'gates' | 'reasons'>> = {},
): BitRow {
  return {
    leaf,
    subleaf,
    reg,
    bit: n,
    name,
    class: cls,
    gates: extra.gates ?? [],
    values: values(v),
    decidedBy: extra.decidedBy ?? 'module',
    disagreement: extra.disagreement ?? false,
    reasons: extra.reasons ?? [`${name ?? 'bit'}: reason one`, 'reason two'],
  };
}

export function field(leaf: number, subleaf: number | null, reg: Reg, bits: [number, number], name: string, cls: BitClass, v: Partial<Record<LayerId, number>>): FieldRow {
  return { leaf, subleaf, reg, bits, name, class: cls, gates: [], values: values(v), decidedBy: 'module', disagreement: false, reasons: [`${name}: field reason`] };
}

export function reconciliation(bits: BitRow[], fields: FieldRow[], findings: Finding[]): Reconciliation {
  const summary = { errors: 0, warnings: 0, infos: 0 };
  for (const f of findings) summary[f.severity === 'error' ? 'errors' : f.severity === 'warning' ? 'warnings' : 'infos']++;
  return {
    inputs: [{ path: 'host.txt', sha256: '0'.repeat(64), format: 'cpuid-r', layer: 'host' }],
    context: {
      module: { requested: '1.5.06', table: '1.5.06', exact: true, from: 'dmesg' },
      kernel: '6.16',
      kernelTable: '6.16',
      qemu: '10.1',
      qemuTable: '10.1',
      cpu: 'host',
      pmu: false,
      attributes: 0x10000000n,
      xfam: 0x61ae7n,
      tscKhz: null,
      assumptions: ['kernel: upstream 6.16 behaviour', 'QEMU: upstream tables'],
    },
    predicted: {
      tdxCaps: { supportedAttrs: 0x10000000n, supportedXfam: 0x61ae7n, cpuid: [] },
      initVm: { attributes: 0x10000000n, xfam: 0x61ae7n, cpuid: [] },
      td: [{ leaf: 7, subleaf: 0, eax: 2, ebx: 0x00010000, ecx: 0, edx: 0 }],
      faultingLeaves: [],
      guestVeLeaves: [],
      status: {
        moduleInitializes: true,
        moduleInitFailures: [],
        qemuRejects: [],
        kvmRejects: [],
        tdInitError: null,
        tdInitFailures: [],
        tdCreated: true,
      },
    },
    layerOrigin: { host: 'captured', kvmSupported: 'predicted', tdxCaps: 'predicted', qemuSupported: 'predicted', requested: 'predicted', initVm: 'predicted', td: 'predicted', setCpuid: 'absent', guest: 'predicted' },
    bits,
    fields,
    findings,
    summary,
  };
}

/** A few bits of leaves 1, 7, 0x17 and 0x80000008, two findings, one field. */
export function smallReconciliation(): Reconciliation {
  const bits = [
    bit(1, null, 'ecx', 3, 'monitor', 'CONFIG_AND_NATIVE', { host: 1, tdxCaps: 1, requested: 1, td: 1, guest: 1 }),
    bit(1, null, 'ecx', 31, 'hypervisor', 'FIXED1', { host: 0, td: 1, guest: 1 }),
    bit(7, 0, 'ebx', 4, 'hle', 'CONFIG_AND_NATIVE', { host: 1, requested: 1, td: 0, guest: 0 }, { disagreement: true, decidedBy: 'tdxCaps' }),
    bit(7, 0, 'ebx', 11, 'rtm', 'CONFIG_AND_NATIVE', { host: 1, requested: 1, td: 0, guest: 0 }, { disagreement: true, decidedBy: 'tdxCaps' }),
    bit(7, 0, 'ebx', 16, 'avx512f', 'CONFIG_AND_NATIVE', { host: 1, tdxCaps: 1, requested: 1, td: 1, guest: 1 }, { gates: ['XFAM:5', 'XFAM:6', 'XFAM:7'] }),
    bit(7, 0, 'ebx', 17, 'avx512dq', 'CONFIG_AND_NATIVE', { host: 1, tdxCaps: 1, requested: 1, td: 1, guest: 1 }),
    bit(0x17, 0, 'ebx', 16, null, 'NATIVE', { host: 0, td: 0 }),
  ];
  const fields = [field(0x80000008, null, 'eax', [0, 7], 'maxphyaddr', 'NATIVE', { host: 52, td: 52, guest: 52 })];
  const findings: Finding[] = [
    {
      rule: 'requested-unavailable',
      severity: 'warning',
      bits: [
        { leaf: 7, subleaf: 0, reg: 'ebx', bit: 4 },
        { leaf: 7, subleaf: 0, reg: 'ebx', bit: 11 },
      ],
      layers: ['requested', 'td'],
      message: 'QEMU requests HLE and RTM, which the TD cannot have.',
      source: 'QEMU target/i386/kvm/tdx.c',
    },
    {
      rule: 'forced-on',
      severity: 'info',
      bits: [{ leaf: 1, subleaf: null, reg: 'ecx', bit: 31 }],
      layers: ['requested', 'td'],
      message: 'The module forces HYPERVISOR on.',
      source: 'TDX module cpuid_configurations.c',
    },
  ];
  return reconciliation(bits, fields, findings);
}

/** `n` bit rows spread over registers of consecutive leaves (for scrolling and filtering at size). */
export function largeReconciliation(n: number): Reconciliation {
  const bits: BitRow[] = [];
  const regs: Reg[] = ['eax', 'ebx', 'ecx', 'edx'];
  for (let i = 0; i < n; i++) {
    const leaf = Math.floor(i / 128);
    const reg = regs[Math.floor(i / 32) % 4]!;
    bits.push(bit(leaf, null, reg, i % 32, i % 7 === 0 ? `feature_${i}` : null, i % 3 === 0 ? 'NATIVE' : 'FIXED1', { host: (i % 2) as 0 | 1, td: 1 }, { disagreement: i % 50 === 0 }));
  }
  return reconciliation(bits, [], []);
}
