// A small hand-written reconciliation for the renderer unit tests (the PDF tests in
// test/pdf use the real engine on corpus hosts). Values follow tdx-cpuid-model.md for a
// Sapphire Rapids host with module 1.5.06: AVX512F configurable and native, PKS following
// ATTRIBUTES, ARAT absent before 1.5.09, HLE cleared by KVM. `hostile` puts markup into
// every string that comes from an input.

import type { BitRow, FieldRow, Finding, LayerValues, Reconciliation } from '../engine/types';
import type { LayerId } from '../model/layers';

const NONE: LayerValues<0 | 1> = {
  host: null,
  kvmSupported: null,
  tdxCaps: null,
  qemuSupported: null,
  requested: null,
  initVm: null,
  td: null,
  setCpuid: null,
  guest: null,
};

function v(values: Partial<Record<LayerId, 0 | 1>>): LayerValues<0 | 1> {
  return { ...NONE, ...values };
}

const BITS: readonly BitRow[] = [
  {
    leaf: 1,
    subleaf: null,
    reg: 'ecx',
    bit: 31,
    name: 'hypervisor',
    class: 'FIXED1',
    gates: [],
    values: v({ host: 0, tdxCaps: 0, qemuSupported: 1, requested: 1, td: 1 }),
    decidedBy: 'module',
    disagreement: false,
    reasons: ['host 0', 'module 1.5.06: fixed1', 'TD 1'],
  },
  {
    leaf: 6,
    subleaf: null,
    reg: 'eax',
    bit: 2,
    name: 'arat',
    class: 'FAULTING',
    gates: [],
    values: v({ host: 1, qemuSupported: 1, requested: 1, td: 0 }),
    decidedBy: 'module',
    disagreement: true,
    reasons: ['host 1', 'module 1.5.06: leaf 6 is faulting (#VE)', 'QEMU fixed1 list has ARAT', 'a Linux TD reads 0'],
  },
  {
    leaf: 7,
    subleaf: 0,
    reg: 'ebx',
    bit: 4,
    name: 'hle',
    class: 'CONFIG_AND_NATIVE',
    gates: [],
    values: v({ host: 1, tdxCaps: 0, qemuSupported: 0, requested: 0, td: 0 }),
    decidedBy: 'tdxCaps',
    disagreement: false,
    reasons: ['host 1', 'module: configurable and native', 'KVM clears HLE from the capabilities', 'TD 0'],
  },
  {
    leaf: 7,
    subleaf: 0,
    reg: 'ebx',
    bit: 16,
    name: 'avx512f',
    class: 'CONFIG_AND_NATIVE',
    gates: ['XFAM:5', 'XFAM:6', 'XFAM:7'],
    values: v({ host: 1, tdxCaps: 1, qemuSupported: 1, requested: 1, td: 1 }),
    decidedBy: 'module',
    disagreement: false,
    reasons: ['host 1', 'module 1.5.06: configurable and native, XFAM[5..7] required', 'KVM offers it', 'QEMU -cpu host requests it', 'TD 1'],
  },
  {
    leaf: 7,
    subleaf: 0,
    reg: 'ecx',
    bit: 31,
    name: 'pks',
    class: 'NATIVE',
    gates: ['ATTR:PKS'],
    values: v({ host: 1, qemuSupported: 0, requested: 0, td: 0 }),
    decidedBy: 'module',
    disagreement: true,
    reasons: ['host 1', 'module: PKS := ATTRIBUTES.PKS (bit 30), which is 0', 'TD 0'],
  },
];

const FIELDS: readonly FieldRow[] = [
  {
    leaf: 0x80000008,
    subleaf: null,
    reg: 'eax',
    bits: [0, 7],
    name: 'maxphyaddr',
    class: 'NATIVE',
    gates: [],
    values: { ...NONE, host: 52, td: 52 } as LayerValues<number>,
    decidedBy: 'module',
    disagreement: false,
    reasons: ['host 52', 'module: native', 'TD 52'],
  },
];

export function sampleReconciliation(opts: { hostile?: boolean } = {}): Reconciliation {
  const evil = opts.hostile ? '<script>alert(1)</script></style>]]><img src=x onerror=alert(2)>|`*' : '';
  const findings: Finding[] = [
    {
      rule: 've-leaf',
      severity: 'warning',
      bits: [{ leaf: 6, subleaf: null, reg: 'eax', bit: 2 }],
      layers: ['qemuTable', 'td'],
      message: `QEMU expects ARAT in leaf 6, but leaf 6 raises #VE with module 1.5.06: a Linux TD reads 0.${evil}`,
      source: 'tdx-cpuid-model.md 2.2; QEMU target/i386/kvm/tdx.c',
    },
    {
      rule: 'forced-on',
      severity: 'info',
      bits: [
        { leaf: 1, subleaf: null, reg: 'ecx', bit: 31 },
        { leaf: 0x80000008, subleaf: null, reg: 'eax', bit: 3 },
        { leaf: 0x21, subleaf: 0, reg: 'ebx', bit: 0 },
      ],
      layers: ['requested', 'td'],
      message: 'The module sets HYPERVISOR whatever QEMU asks.',
      source: 'tdx-cpuid-model.md 4',
    },
    {
      rule: 'qemu-table-stale',
      severity: 'error',
      bits: [{ leaf: 7, subleaf: 0, reg: 'ecx', bit: 31 }],
      layers: ['qemuTable', 'module'],
      message: "QEMU's fixed1 list lacks PKS, which module 1.5.06 ties to ATTRIBUTES.PKS.",
      source: 'tdx-cpuid-model.md 4',
    },
  ];
  return {
    inputs: [
      {
        path: `test/fixtures/corpus/aida64_instlatx64/GenuineIntel00806F8_SapphireRapids_05_CPUID${evil}.txt`,
        sha256: 'a'.repeat(64),
        format: 'aida64',
        layer: 'host',
      },
      { path: `dmesg${evil}.log`, sha256: '0123456789abcdef'.repeat(4), format: 'dmesg', layer: 'context' },
    ],
    context: {
      module: { requested: '1.5.06', table: '1.5.06', exact: true, from: 'option' },
      kernel: '6.16',
      kernelTable: '6.16.1',
      qemu: '10.1',
      qemuTable: '10.1',
      cpu: `host${evil}`,
      pmu: false,
      attributes: 0x10000000n,
      xfam: 0x602e7n,
      tscKhz: null,
      assumptions: ['kernel 6.16 (upstream TDX ABI)', `QEMU command line -cpu host${evil}`],
    },
    predicted: {
      tdxCaps: { supportedAttrs: 0x10000000n, supportedXfam: 0x602e7n, cpuid: [] },
      initVm: { attributes: 0x10000000n, xfam: 0x602e7n, cpuid: [] },
      td: [],
      faultingLeaves: [{ leaf: 6, subleaf: null }],
      guestVeLeaves: [
        { leaf: 6, subleaf: null },
        { leaf: 0x80000002, subleaf: null },
      ],
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
    layerOrigin: {
      host: 'captured',
      kvmSupported: 'absent',
      tdxCaps: 'predicted',
      qemuSupported: 'predicted',
      requested: 'predicted',
      initVm: 'predicted',
      td: 'predicted',
      setCpuid: 'absent',
      guest: 'absent',
    },
    bits: BITS.map((b) => (opts.hostile && b.name === 'avx512f' ? { ...b, name: `avx512f${evil}`, reasons: [...b.reasons, evil] } : b)),
    fields: FIELDS,
    findings: [findings[2]!, findings[0]!, findings[1]!],
    summary: { errors: 1, warnings: 1, infos: 1 },
  };
}
