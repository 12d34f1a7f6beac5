// The registers whose values differ between the CPUs of a dump, computed once per dump (the
// dumps are immutable) and shared by lp-inconsistent and fms-min-stepping, so that a 112-CPU
// host costs one pass over its packed registers however many times it is analysed.

import { leafKeyString } from '../../model/address';
import type { Reg } from '../../model/address';
import type { CpuidDump } from '../../model/dump';
import type { RegisterDifference } from '../../model/heterogeneity';
import { fastRegisterDifferences } from '../../knowledge/decode/heterogeneity';

const CACHE = new WeakMap<CpuidDump, ReadonlyMap<string, RegisterDifference>>();

function regKey(leaf: number, subleaf: number | null, reg: Reg): string {
  return `${leafKeyString({ leaf, subleaf })}:${reg}`;
}

function differences(dump: CpuidDump): ReadonlyMap<string, RegisterDifference> {
  let m = CACHE.get(dump);
  if (!m) {
    const map = new Map<string, RegisterDifference>();
    for (const d of fastRegisterDifferences(dump)) map.set(regKey(d.leaf, d.subleaf, d.reg), d);
    m = map;
    CACHE.set(dump, m);
  }
  return m;
}

/** How one register differs between the CPUs of a dump, or undefined when it is the same on all. */
export function registerDifference(dump: CpuidDump, leaf: number, subleaf: number | null, reg: Reg): RegisterDifference | undefined {
  if (dump.cpus.length < 2) return undefined;
  return differences(dump).get(regKey(leaf, subleaf, reg));
}
