// Which CPUs of a dump differ where. Per register: the mask of bits that are not the
// same on every CPU, and each CPU's value. Naming the differing fields (and leaving
// out per-CPU identity fields such as APIC IDs) is done with the bit-name knowledge.

import type { RegAddress } from './address';
import { REGS } from './address';
import type { CpuidDump } from './dump';

export interface RegisterDifference extends RegAddress {
  /** Bits that differ between at least two CPUs. */
  readonly diffMask: number;
  /** Register value per CPU id; CPUs that lack the leaf are absent. */
  readonly byCpu: ReadonlyMap<number, number>;
  /** CPU ids that do not have this leaf at all. */
  readonly missingOn: readonly number[];
}

export function registerDifferences(dump: CpuidDump): RegisterDifference[] {
  if (dump.cpus.length < 2) return [];
  // Union of keys over all CPUs, in order.
  const keyMap = new Map<string, { leaf: number; subleaf: number | null }>();
  for (const cpu of dump.cpus) for (const k of cpu.table.keys) keyMap.set(`${k.leaf}:${k.subleaf ?? '-'}`, k);
  const keys = [...keyMap.values()].sort((a, b) => a.leaf - b.leaf || (a.subleaf ?? -1) - (b.subleaf ?? -1));
  const out: RegisterDifference[] = [];
  for (const k of keys) {
    for (const reg of REGS) {
      const byCpu = new Map<number, number>();
      const missingOn: number[] = [];
      let first: number | undefined;
      let diff = 0;
      for (const cpu of dump.cpus) {
        const v = cpu.table.regOf(k.leaf, k.subleaf, reg);
        if (v === undefined) {
          missingOn.push(cpu.id);
          continue;
        }
        byCpu.set(cpu.id, v);
        if (first === undefined) first = v;
        else diff |= first ^ v;
      }
      diff >>>= 0;
      if (diff !== 0 || (missingOn.length > 0 && byCpu.size > 0)) {
        out.push({ leaf: k.leaf, subleaf: k.subleaf, reg, diffMask: diff, byCpu, missingOn });
      }
    }
  }
  return out;
}
