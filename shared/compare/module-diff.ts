// Two TDX module versions compared bit by bit (cli-contract `module-diff`): for every bit of
// every leaf either table has, the class and gates in each version, reported where they
// differ, plus consecutive changed bits of one register grouped into ranges for reading.

import type { BitAddress, Reg } from '../model/address';
import { REGS, compareLeafKey, leafKeyString } from '../model/address';
import { layoutOf } from '../knowledge/bits';
import type { ModuleTable } from '../knowledge/tdx-module/module-table';
import { resolveModuleTable } from '../knowledge/tdx-module/module-table';
import { bitClass, bitGates } from '../engine/classes';
import type { BitClass, Gate } from '../engine/types';

export interface BitClassAt {
  readonly class: BitClass;
  readonly gates: readonly Gate[];
}

export interface ModuleBitChange extends BitAddress {
  readonly name: string | null;
  readonly from: BitClassAt;
  readonly to: BitClassAt;
}

export interface ModuleRangeChange {
  readonly leaf: number;
  readonly subleaf: number | null;
  readonly reg: Reg;
  /** `[low, high]` inclusive. */
  readonly bits: readonly [number, number];
  readonly from: BitClassAt;
  readonly to: BitClassAt;
}

export interface ModuleDiff {
  readonly from: { readonly requested: string; readonly table: string; readonly exact: boolean };
  readonly to: { readonly requested: string; readonly table: string; readonly exact: boolean };
  readonly changes: readonly ModuleBitChange[];
  readonly ranges: readonly ModuleRangeChange[];
  /** Configurable leaves added / removed (CPUID_CONFIG order differs). */
  readonly configurableAdded: readonly { readonly leaf: number; readonly subleaf: number | null }[];
  readonly configurableRemoved: readonly { readonly leaf: number; readonly subleaf: number | null }[];
}

export class UnknownModuleError extends Error {
  override readonly name = 'UnknownModuleError';
}

function table(v: string): { table: ModuleTable; exact: boolean } {
  const r = resolveModuleTable(v);
  if (!r) throw new UnknownModuleError(`"${v}" is not a TDX module version like 1.5.06`);
  return { table: r.table, exact: r.choice.exact };
}

function same(a: BitClassAt, b: BitClassAt): boolean {
  return a.class === b.class && a.gates.length === b.gates.length && a.gates.every((g, i) => g === b.gates[i]);
}

export function moduleDiffTables(a: ModuleTable, b: ModuleTable): Pick<ModuleDiff, 'changes' | 'ranges' | 'configurableAdded' | 'configurableRemoved'> {
  const keys = new Map<string, { leaf: number; subleaf: number | null }>();
  for (const e of [...a.entries, ...b.entries]) keys.set(leafKeyString(e), { leaf: e.leaf, subleaf: e.subleaf });
  const sorted = [...keys.values()].sort(compareLeafKey);
  const changes: ModuleBitChange[] = [];
  const ranges: ModuleRangeChange[] = [];
  for (const k of sorted) {
    const ea = a.get(k.leaf, k.subleaf);
    const eb = b.get(k.leaf, k.subleaf);
    for (const reg of REGS) {
      const layout = layoutOf(k.leaf, k.subleaf, reg);
      const run: { current: ModuleRangeChange | null } = { current: null };
      const flush = (): void => {
        if (run.current) ranges.push(run.current);
        run.current = null;
      };
      for (let bit = 0; bit < 32; bit++) {
        const from: BitClassAt = { class: bitClass(ea, k.leaf, reg, bit), gates: ea ? bitGates(a, ea, reg, bit) : [] };
        const to: BitClassAt = { class: bitClass(eb, k.leaf, reg, bit), gates: eb ? bitGates(b, eb, reg, bit) : [] };
        if (same(from, to)) {
          flush();
          continue;
        }
        const e = layout.byBit[bit];
        changes.push({ leaf: k.leaf, subleaf: k.subleaf, reg, bit, name: e && e.kind === 'bit' ? e.displayName : null, from, to });
        const cur = run.current;
        if (cur && same(cur.from, from) && same(cur.to, to)) run.current = { ...cur, bits: [cur.bits[0], bit] };
        else {
          flush();
          run.current = { leaf: k.leaf, subleaf: k.subleaf, reg, bits: [bit, bit], from, to };
        }
      }
      flush();
    }
  }
  const slotKeys = (t: ModuleTable): Set<string> => new Set(t.configSlots.map((e) => leafKeyString(e)));
  const sa = slotKeys(a);
  const sb = slotKeys(b);
  const configurableAdded = b.configSlots.filter((e) => !sa.has(leafKeyString(e))).map((e) => ({ leaf: e.leaf, subleaf: e.subleaf }));
  const configurableRemoved = a.configSlots.filter((e) => !sb.has(leafKeyString(e))).map((e) => ({ leaf: e.leaf, subleaf: e.subleaf }));
  return { changes, ranges, configurableAdded, configurableRemoved };
}

/** moduleDiff("1.5.06", "1.5.09"): per bit, old class -> new class. */
export function moduleDiff(v1: string, v2: string): ModuleDiff {
  const a = table(v1);
  const b = table(v2);
  const d = moduleDiffTables(a.table, b.table);
  return {
    from: { requested: v1, table: a.table.version, exact: a.exact },
    to: { requested: v2, table: b.table.version, exact: b.exact },
    changes: d.changes,
    ranges: d.ranges,
    configurableAdded: d.configurableAdded,
    configurableRemoved: d.configurableRemoved,
  };
}
