// N hosts, one TD configuration (cli-contract `tdx-cpuid baseline HOST... [--module V]`,
// schema `tdx-cpuid/baseline/v1`): the TD CPUID each host would give (the module's stored
// values, KVM_TDX_GET_CPUID), the bits and fields that differ between them, and the QEMU
// `-cpu` flags that make the TD CPUIDs identical: `-name` for a feature some hosts lack
// (QEMU then does not configure it, so the module gives 0 everywhere), `tsc-frequency=` for
// the TSC. The flags are verified by predicting every host again with them; what still
// differs is per-host data no `-cpu` flag can configure (native or fixed bits, topology,
// cache and FMS fields), and is named with the reason.

import type { LeafKey, Reg } from '../model/address';
import type { ComparedAddress } from './diff';
import { REGS, compareLeafKey, extractField, leafKeyString } from '../model/address';
import type { CpuidEntry } from '../model/cpuid-table';
import type { CpuidDump } from '../model/dump';
import { layoutOf } from '../knowledge/bits';
import { qemuFeatureName } from '../knowledge/qemu/qemu-knowledge';
import { bitClass, dynamicMask } from '../engine/classes';
import { parseCpuOption } from '../engine/cpu-option';
import type { Layer } from '../engine/layer';
import type { Analysis } from '../engine/reconcile';
import { analyze } from '../engine/reconcile';
import type { BitClass, ContextOptions, InputSummary } from '../engine/types';

export const BASELINE_SCHEMA = 'tdx-cpuid/baseline/v1';

export interface BaselineHostInput {
  readonly dump: CpuidDump;
  readonly source: InputSummary;
}

export interface BaselineOptions {
  readonly module?: string;
  readonly kernel?: string;
  readonly qemu?: string;
  /** The `-cpu` to start from (default `host`); flags are added to it. */
  readonly cpu?: string;
  readonly pmu?: boolean;
}

export interface BaselineHost {
  readonly source: InputSummary;
  readonly label: string;
  /** Module table used for this host. */
  readonly module: string;
  readonly moduleInitializes: boolean | null;
  /** The TD is created with the base configuration. */
  readonly tdCreated: boolean;
  readonly tscKhz: number | null;
  /** The TD's CPUID with the base `-cpu` (what KVM_TDX_GET_CPUID would return). */
  readonly td: readonly CpuidEntry[];
}

export interface BaselineDifference extends ComparedAddress {
  /** TD value per host (host order); null where the host's TD lacks the leaf. */
  readonly values: readonly (number | null)[];
  /** Module class of the bit on the first host (single bits only). */
  readonly class: BitClass | null;
  /** The `-cpu` flag that removes the difference; null when none does. */
  readonly flag: string | null;
  /** Why no flag removes it (per-host data), or what the flag does. */
  readonly why: string;
}

export interface BaselineResult {
  readonly hosts: readonly BaselineHost[];
  /** Hosts left out of the alignment (the module would not initialize there). */
  readonly excluded: readonly { readonly host: number; readonly why: string }[];
  /** The base `-cpu`. */
  readonly baseCpu: string;
  /** Differences of the TD CPUIDs with the base `-cpu`. */
  readonly differences: readonly BaselineDifference[];
  /** Flags that align the hosts, in order (`-avx512fp16`, `tsc-frequency=2000000000`). */
  readonly flags: readonly string[];
  /** The `-cpu` string with the flags. */
  readonly cpu: string;
  /** What still differs with `cpu`: per-host data no flag can configure. */
  readonly remaining: readonly BaselineDifference[];
  /** Every host predicted again with `cpu`: the TD is created and nothing configurable still differs. */
  readonly verified: boolean;
  /** Bits and fields compared. */
  readonly compared: number;
}

/** Leaves whose contents describe the host's topology, caches or identity: per host by nature. */
function perHostWhy(leaf: number, subleaf: number | null, reg: Reg, lo: number): string | null {
  if (leaf === 1 && reg === 'eax') return 'family/model/stepping: the TD gets the platform FMS (the VMM can only configure 0 or the platform FMS for a non-migratable TD)';
  if (leaf === 1 && reg === 'ebx') return lo >= 16 ? 'logical processor count of the host package (topology)' : 'CLFLUSH line size / brand index of the host';
  if (leaf === 4 || leaf === 0x18 || leaf === 2) return 'cache/TLB description of the host';
  if (leaf === 0xb || leaf === 0x1f) return 'topology of the host';
  if (leaf === 0xd) return 'XSAVE area sizes and offsets of the host';
  if (leaf === 0x80000008 && reg === 'eax' && lo < 8) return "physical address width of the host (the module reports the native MAXPA)";
  if (leaf === 0x80000006 || leaf === 0x80000005) return 'cache description of the host';
  if (leaf === 0x14 || leaf === 0x1c || leaf === 0xa || leaf === 0x23) return `capabilities of the host's ${leaf === 0x14 ? 'Intel PT' : leaf === 0x1c ? 'architectural LBR' : 'PMU'} (native values)`;
  if (leaf === 0x1a) return 'hybrid core type of the host';
  if (leaf === 0x1d || leaf === 0x1e) return 'AMX tile parameters of the host';
  void subleaf;
  return null;
}

interface Compared {
  readonly differences: BaselineDifference[];
  readonly compared: number;
}

function entryKeys(layers: readonly Layer[]): LeafKey[] {
  const m = new Map<string, LeafKey>();
  for (const l of layers) for (const k of l.keys) m.set(leafKeyString(k), k);
  return [...m.values()].sort(compareLeafKey);
}

/** Differences between the TD layers of the hosts (dynamic bits skipped; unknown bits not judged). */
function compareTds(analyses: readonly Analysis[]): Compared {
  const layers = analyses.map((a) => a.state.predicted.td.layer);
  const first = analyses[0]!.state.module;
  const out: BaselineDifference[] = [];
  let compared = 0;
  for (const k of entryKeys(layers)) {
    REGS.forEach((reg, i) => {
      const rows = layers.map((l) => l.row(k.leaf, k.subleaf));
      const dyn = dynamicMask(k.leaf, k.subleaf, reg);
      let diff = 0;
      let knownAll = 0xffffffff;
      let present: number | null = null;
      for (const r of rows) {
        if (!r) continue;
        knownAll &= r[4 + i]!;
        if (present === null) present = r[i]!;
        else diff |= present ^ r[i]!;
      }
      const missing = rows.some((r) => !r);
      const layout = layoutOf(k.leaf, k.subleaf, reg);
      compared += layout.features.length + layout.fields.length;
      let mask = (diff & knownAll & ~dyn) >>> 0;
      if (missing && present !== null) {
        for (const r of rows) if (r) mask |= r[i]! & r[4 + i]! & ~dyn;
      }
      mask >>>= 0;
      if (!mask) return;
      const seen = new Set<number>();
      for (let bit = 0; bit < 32; bit++) {
        if (!((mask >>> bit) & 1)) continue;
        const e = layout.byBit[bit];
        const lo = e && e.kind === 'field' ? e.bits[0] : bit;
        const hi = e && e.kind === 'field' ? e.bits[1] : bit;
        if (seen.has(lo)) continue;
        seen.add(lo);
        const values = rows.map((r) => (r ? (lo === hi ? (r[i]! >>> bit) & 1 : extractField(r[i]!, [lo, hi])) : null));
        const base = { leaf: k.leaf, subleaf: k.subleaf, reg, name: e && e.kind !== 'reserved' ? e.displayName : null, values };
        out.push(lo === hi ? { ...base, bit, class: bitClass(first.get(k.leaf, k.subleaf), k.leaf, reg, bit), flag: null, why: '' } : { ...base, bits: [lo, hi], class: null, flag: null, why: '' });
      }
    });
  }
  return { differences: out, compared };
}

const CONFIGURABLE = new Set<BitClass>(['CONFIG_DIRECT', 'CONFIG_AND_NATIVE']);

/** Explains a difference and proposes a flag for it. */
function judge(d: BaselineDifference, analyses: readonly Analysis[]): BaselineDifference {
  if (d.bits) {
    if (d.leaf === 0x15 && d.reg === 'ebx') return { ...d, flag: null, why: 'TSC frequency of the host: aligned with tsc-frequency=' };
    const why = perHostWhy(d.leaf, d.subleaf, d.reg, d.bits[0]);
    return { ...d, flag: null, why: why ? `per-host field: ${why}; no -cpu flag configures it` : 'a multi-bit field the module takes from the host; no -cpu flag configures it' };
  }
  const bit = d.bit!;
  const name = qemuFeatureName(d.leaf, d.subleaf, d.reg, bit);
  const classes = analyses.map((a) => bitClass(a.state.module.get(d.leaf, d.subleaf), d.leaf, d.reg, bit));
  const on = d.values.map((v, i) => (v === 1 ? i : -1)).filter((i) => i >= 0);
  const fixedOn = on.filter((i) => !CONFIGURABLE.has(classes[i]!));
  const per = perHostWhy(d.leaf, d.subleaf, d.reg, bit);
  if (name && fixedOn.length === 0) return { ...d, flag: `-${name}`, why: `configurable on every host (${[...new Set(classes)].join(', ')}): QEMU stops requesting it, the TD gets 0 everywhere` };
  if (name) return { ...d, flag: `-${name}`, why: `${[...new Set(fixedOn.map((i) => classes[i]))].join(', ')} where it is 1: the module passes the host's value through or fixes it, so -${name} may not remove it` };
  return { ...d, flag: null, why: per ? `per-host: ${per}` : `no QEMU property names this bit; the module ${[...new Set(classes)].join('/')} value follows the host` };
}

function options(base: BaselineOptions, cpu: string, tscKhz?: number): ContextOptions {
  return {
    ...(base.module ? { module: base.module } : {}),
    ...(base.kernel ? { kernel: base.kernel } : {}),
    ...(base.qemu ? { qemu: base.qemu } : {}),
    ...(base.pmu !== undefined ? { pmu: base.pmu } : {}),
    cpu,
    ...(tscKhz !== undefined ? { tscKhz } : {}),
  };
}

function hostLabel(d: CpuidDump, source: InputSummary): string {
  return d.meta.brand ?? source.path.split('/').pop() ?? source.path;
}

function differenceKey(d: BaselineDifference): string {
  return `${d.leaf}:${d.subleaf ?? '-'}:${d.reg}:${d.bit ?? d.bits!.join('-')}`;
}

/** The baseline of several hosts. */
export function baseline(hosts: readonly BaselineHostInput[], opts: BaselineOptions = {}): BaselineResult {
  const baseCpu = opts.cpu ?? 'host';
  const all = hosts.map((h) => analyze({ hosts: [h.dump], kvm: [], sources: [h.source] }, options(opts, baseCpu)));
  const hostsOut: BaselineHost[] = all.map((a, i) => ({
    source: hosts[i]!.source,
    label: hostLabel(hosts[i]!.dump, hosts[i]!.source),
    module: a.state.module.version,
    moduleInitializes: a.state.status.moduleInitializes,
    tdCreated: a.state.status.tdCreated,
    tscKhz: a.state.context.tscKhz,
    td: a.reconciliation.predicted.td,
  }));
  const excluded = all
    .map((a, i) => ({ a, i }))
    .filter(({ a }) => a.state.status.moduleInitializes === false)
    .map(({ a, i }) => ({ host: i, why: `module ${a.state.module.version} would not initialize on this host` }));
  const keep = all.map((_a, i) => i).filter((i) => !excluded.some((e) => e.host === i));
  const usable = keep.map((i) => all[i]!);
  if (usable.length < 2) {
    return { hosts: hostsOut, excluded, baseCpu, differences: [], flags: [], cpu: baseCpu, remaining: [], verified: false, compared: 0 };
  }
  const before = compareTds(usable);
  const differences = before.differences.map((d) => judge(d, usable));

  // Flags, then predict again; a flag that did not remove its bit is dropped, new differences
  // (features that depend on a removed one) get their own flag; a few rounds at most.
  const flags = new Set<string>();
  let tscKhz: number | undefined;
  const khz = usable.map((a) => a.state.context.tscKhz).filter((k): k is number => k !== null);
  if (differences.some((d) => d.leaf === 0x15 && d.reg === 'ebx') && khz.length) {
    tscKhz = Math.floor(Math.min(...khz) / 25_000) * 25_000;
  }
  let current = differences;
  let after: Analysis[] = usable;
  const cpuText = (): string => {
    const parts = [baseCpu, ...[...flags].sort()];
    if (tscKhz !== undefined) parts.push(`tsc-frequency=${tscKhz * 1000}`);
    return parts.join(',');
  };
  for (let round = 0; round < 4; round++) {
    let added = false;
    for (const d of current) {
      if (d.flag && !flags.has(d.flag) && d.values.some((v) => v === 1)) {
        flags.add(d.flag);
        added = true;
      }
    }
    if (!added && round > 0) break;
    after = keep.map((i) => analyze({ hosts: [hosts[i]!.dump], kvm: [], sources: [hosts[i]!.source] }, options(opts, cpuText(), tscKhz)));
    current = compareTds(after).differences.map((d) => judge(d, after));
    // Drop flags whose bit still differs: they do not align anything.
    const still = new Set(current.filter((d) => d.flag).map((d) => d.flag!));
    let dropped = false;
    for (const f of [...flags]) {
      if (still.has(f) && !differences.some((d) => d.flag === f && CONFIGURABLE.has(d.class ?? 'NATIVE'))) {
        flags.delete(f);
        dropped = true;
      }
    }
    if (dropped) {
      after = keep.map((i) => analyze({ hosts: [hosts[i]!.dump], kvm: [], sources: [hosts[i]!.source] }, options(opts, cpuText(), tscKhz)));
      current = compareTds(after).differences.map((d) => judge(d, after));
      break;
    }
  }
  const remaining = current.map((d) => (d.flag && flags.has(d.flag) ? { ...d, why: `${d.why} (still differs with ${d.flag})` } : d.flag ? { ...d, flag: null } : d));
  // Verified: every host still gets a TD, and what differs is nothing a flag could configure.
  const verified = after.every((a) => a.state.status.tdCreated) && remaining.every((d) => !(d.bit !== undefined && d.class !== null && CONFIGURABLE.has(d.class) && qemuFeatureName(d.leaf, d.subleaf, d.reg, d.bit)));
  // Each original difference: aligned by its flag, aligned as a consequence of the flags
  // (XFAM components and dependent leaves follow the features), or still there.
  const left = new Set(remaining.map(differenceKey));
  const outcome = differences.map((d): BaselineDifference => {
    if (left.has(differenceKey(d))) return d.flag && !flags.has(d.flag) ? { ...d, flag: null } : d;
    if (d.leaf === 0x15 && tscKhz !== undefined) return { ...d, why: `aligned by tsc-frequency=${tscKhz * 1000} (${tscKhz / 1000} MHz, the lowest host TSC in 25 MHz steps)` };
    if (d.flag && flags.has(d.flag)) return { ...d, why: `aligned by ${d.flag}: QEMU does not request it, so the TD gets 0 on every host` };
    return { ...d, flag: null, why: 'aligned as a consequence of the other flags (the XSAVE components and leaves that follow the removed features)' };
  });
  return {
    hosts: hostsOut,
    excluded,
    baseCpu,
    differences: outcome,
    flags: [...flags].sort(),
    cpu: cpuText(),
    remaining,
    verified,
    compared: before.compared,
  };
}

/** Parses the base `-cpu` the way QEMU does (for the CLI's usage errors). */
export function baseCpuModel(cpu: string): string {
  return parseCpuOption(cpu).model;
}

export { differenceKey };
