// G: what a Linux TD observes (tdx-cpuid-model.md 2.1, 2.2). The module answers CPUID from
// the TD's values and recomputes the run-time bits; leaves that are not in its table, or
// faulting, raise #VE, which a Linux guest answers with zeros except the KVM range
// 0x40000000-0x4FFFFFFF (forwarded to the VMM; KVM answers from its CPUID, S). In the
// #VE-reduction generation (1.5.09+/2.0.04+) leaves 6, 0xC, 0x16, 0x17, 0x80000002-5 and the
// topology/leaf-2 entries still #VE unless the guest set TD_CTLS.REDUCE_VE (resp.
// ENUM_TOPOLOGY, VIRT_CPUID2); with REDUCE_VE, other missing leaves read 0 and TD-mutable bits
// follow FEATURE_PARAVIRT_CTLS (assumed 0: "guest-controlled").

import type { LeafKey, Reg } from '../../model/address';
import { REGS } from '../../model/address';
import { isIndexedLeaf } from '../../model/leaf-kinds';
import type { ModuleTable } from '../../knowledge/tdx-module/module-table';
import type { Assumptions } from '../assumptions';
import type { HostView } from '../host';
import type { Bits, Layer } from '../layer';
import { LayerBuilder, UNKNOWN, ZERO, known, layerReg, merge } from '../layer';
import { hostXcr0Supported, xsaveSize } from '../xsave';

export interface GuestPrediction {
  readonly layer: Layer;
  /** Why a leaf reads as it does in the guest: `leaf:sub` -> explanation (#VE...). */
  readonly leafNotes: ReadonlyMap<string, string>;
  /** Bits the guest itself may change at run time (REDUCE_VE paravirt controls), per register. */
  readonly guestControlled: ReadonlyMap<string, number>;
  /** Leaves that raise #VE for this guest. */
  readonly veLeaves: readonly LeafKey[];
}

export interface GuestInput {
  readonly host: HostView;
  readonly module: ModuleTable;
  /** T as stored (all lookup entries). */
  readonly tdStored: Layer;
  readonly faulting: readonly LeafKey[];
  /** KVM's view of the guest CPUID (S), answering the 0x4xxxxxxx range. */
  readonly setCpuid: Layer | null;
  readonly xfam: bigint;
  readonly reduceVe: boolean;
  readonly assumptions: Assumptions;
}

/** Leaves that #VE without REDUCE_VE in the #VE-reduction generation (td_cpuid.c, 2.0.08). */
const VE_UNLESS_REDUCE = new Set([6, 0xc, 0x16, 0x17, 0x80000002, 0x80000003, 0x80000004, 0x80000005]);

/** TD-mutable bits (update_mutable_cpuid_flags): cleared with REDUCE_VE unless the paravirt control is set. */
const MUTABLE: readonly (readonly [number, number | null, Reg, number])[] = [
  [1, null, 'ecx', (1 << 7) | (1 << 8) | (1 << 18) | (1 << 24)],
  [1, null, 'edx', (1 << 7) | (1 << 12) | (1 << 14) | (1 << 22)],
  [7, 0, 'ebx', (1 << 12) | (1 << 15)],
  [7, 0, 'ecx', 1 << 13],
  [7, 0, 'edx', (1 << 18) | (1 << 30)],
];

/** The TD_CTLS control without which the module's CPUID exit injects #VE for this entry (special handling, stage runtime). */
function veControl(module: ModuleTable, leaf: number, subleaf: number | null): string | null {
  const e = module.get(leaf, subleaf);
  if (!e) return null;
  for (const s of e.special) {
    if (!s.stage.includes('runtime') || !s.text.includes('#VE')) continue;
    const m = /TD_CTLS\.(\w+)=1/.exec(s.text);
    if (m) return m[1]!;
  }
  return null;
}

function key(leaf: number, subleaf: number | null): string {
  return `${leaf}:${subleaf ?? '-'}`;
}

export function predictGuest(input: GuestInput): GuestPrediction {
  const { module, tdStored } = input;
  const b = new LayerBuilder();
  const notes = new Map<string, string>();
  const controlled = new Map<string, number>();
  const ve: LeafKey[] = [];
  const faulting = new Set(input.faulting.map((k) => key(k.leaf, k.subleaf)));
  const reduce = input.reduceVe && module.info.veReduction;
  input.assumptions.add(
    input.reduceVe
      ? 'guest: a Linux TD that enabled #VE reduction (TD_CTLS.REDUCE_VE), FEATURE_PARAVIRT_CTLS all 0, running in 64-bit mode with XCR0 = every XFAM user component'
      : 'guest: a Linux TD that has not enabled #VE reduction, ENUM_TOPOLOGY or VIRT_CPUID2, running in 64-bit mode with XCR0 = every XFAM user component',
  );

  const emitVe = (leaf: number, subleaf: number | null, why: string): void => {
    b.setEntry(leaf, subleaf, [ZERO, ZERO, ZERO, ZERO]);
    notes.set(key(leaf, subleaf), why);
    ve.push({ leaf, subleaf });
  };

  const maxBasic = module.maxBasicLeaf;
  const maxExt = layerReg(tdStored, 0x80000000, null, 'eax')?.v ?? 0x80000008;
  const ranges: [number, number][] = [
    [0, maxBasic],
    [0x80000000, maxExt],
  ];
  for (const [from, to] of ranges) {
    for (let leaf = from; leaf <= to; leaf++) {
      const subs = tdStored.subleavesOf(leaf);
      if (subs.length === 0) {
        const sub = isIndexedLeaf(leaf) ? 0 : null;
        if (reduce && module.fixed0BitmapLeaves.has(leaf)) {
          b.setEntry(leaf, sub, [ZERO, ZERO, ZERO, ZERO]);
          notes.set(key(leaf, sub), 'not in the module table: all-zero (CPUID_FIXED0_BITMAP)');
        } else if (reduce && !VE_UNLESS_REDUCE.has(leaf)) {
          b.setEntry(leaf, sub, [ZERO, ZERO, ZERO, ZERO]);
          notes.set(key(leaf, sub), 'not in the module table: reads 0 with REDUCE_VE');
        } else {
          emitVe(leaf, sub, 'not in the module table: CPUID raises #VE and the Linux guest returns zeros');
        }
        continue;
      }
      for (const sub of subs) {
        const k = key(leaf, sub);
        if (faulting.has(k)) {
          emitVe(leaf, sub, 'faulting in this module version: CPUID raises #VE and the Linux guest returns zeros');
          continue;
        }
        const ctl = veControl(module, leaf, sub);
        if (ctl && !(ctl === 'REDUCE_VE' && reduce)) {
          emitVe(leaf, sub, `raises #VE unless the guest sets TD_CTLS.${ctl}; the Linux guest returns zeros`);
          continue;
        }
        const regs = REGS.map((r) => layerReg(tdStored, leaf, sub, r) ?? UNKNOWN) as [Bits, Bits, Bits, Bits];
        b.setEntry(leaf, sub, regs);
      }
    }
  }

  // Run-time bits (td_cpuid_exit): APIC ID of vCPU 0, OSXSAVE, OSPKE, SYSCALL, XSAVE sizes.
  const setBits = (leaf: number, sub: number | null, reg: Reg, value: Bits, m: number): void => {
    if (!b.has(leaf, sub) || ve.some((x) => x.leaf === leaf && x.subleaf === sub)) return;
    b.setReg(leaf, sub, reg, merge(b.getReg(leaf, sub, reg)!, value, m));
  };
  const tdBit = (leaf: number, sub: number | null, reg: Reg, bit: number): Bits => {
    const r = layerReg(tdStored, leaf, sub, reg);
    if (!r || ((r.k >>> bit) & 1) === 0) return UNKNOWN;
    return known(((r.v >>> bit) & 1) << bit);
  };
  setBits(1, null, 'ebx', ZERO, 0xff000000);
  const xsave = tdBit(1, null, 'ecx', 26);
  setBits(1, null, 'ecx', xsave.k ? known((xsave.v >>> 26) << 27) : UNKNOWN, 1 << 27);
  const pku = tdBit(7, 0, 'ecx', 3);
  setBits(7, 0, 'ecx', pku.k ? known((pku.v >>> 3) << 4) : UNKNOWN, 1 << 4);
  setBits(0x80000001, null, 'edx', known(1 << 11), 1 << 11);
  const xcr0 = input.xfam & (hostXcr0Supported(input.host) ?? 0n) & 0x000000000006ffffn;
  const size = xsaveSize(input.host, xcr0);
  setBits(0xd, 0, 'ebx', size === null ? UNKNOWN : known(size), 0xffffffff);
  setBits(0xd, 1, 'ebx', UNKNOWN, 0xffffffff);

  if (module.info.veReduction) {
    for (const [leaf, sub, reg, m] of MUTABLE) {
      controlled.set(`${leaf}:${sub ?? '-'}:${reg}`, m);
      if (reduce) setBits(leaf, sub, reg, ZERO, m);
    }
  }

  // The KVM range, forwarded to the VMM.
  if (input.setCpuid) {
    for (const leaf of [0x40000000, 0x40000001]) {
      if (!input.setCpuid.has(leaf, null)) continue;
      b.setEntry(leaf, null, REGS.map((r) => layerReg(input.setCpuid!, leaf, null, r) ?? UNKNOWN) as [Bits, Bits, Bits, Bits]);
      notes.set(key(leaf, null), 'KVM range: #VE forwarded to the VMM, KVM answers from its CPUID (KVM_SET_CPUID2)');
    }
  }
  return { layer: b.build(), leafNotes: notes, guestControlled: controlled, veLeaves: ve };
}

