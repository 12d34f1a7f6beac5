// Typed reader of the QEMU knowledge (qemu-tdx.json, generated; see PROVENANCE.md): QEMU's
// CPUID feature words and `-cpu` property names, and QEMU's TDX tables per variant/version:
// the fixed1 list, the ATTRIBUTES and XFAM maps, the KVM PV features allowed for a TD, the
// allowed TD attributes and the properties TDX forces (tdx-cpuid-model.md section 4).

import type { Reg, RegAddress } from '../../model/address';
import { leafKeyString } from '../../model/address';
import raw from './qemu-tdx.json';
import { hexU32, hexU64 } from '../tdx-module/hex';

export interface QemuFeatureWord extends RegAddress {
  /** QEMU's FeatureWord name, e.g. FEAT_7_0_EBX. */
  readonly name: string;
  /** bit -> `-cpu` property name. */
  readonly names: ReadonlyMap<number, string>;
  readonly unmigratable: number;
  readonly noAutoenable: number;
  /** Bits migratable without a name (XCR0 words). */
  readonly migratableExtra: number;
  /** Bits `-cpu host` (migratable=on) may enable: named and not unmigratable, plus migratableExtra. */
  readonly migratable: number;
}

export interface RegMask extends RegAddress {
  readonly mask: number;
}

export interface QemuAttrMap {
  readonly attrBit: number;
  readonly name: string;
  readonly leaf: number;
  readonly subleaf: number | null;
  readonly reg: Reg;
  readonly bit: number;
}

export interface QemuXfamDep {
  readonly xfamBit: number;
  readonly xstate: string;
  readonly leaf: number;
  readonly subleaf: number | null;
  readonly reg: Reg;
  readonly bit: number;
  readonly macro: string;
  /** First QEMU version with this row. */
  readonly since: string;
}

export interface QemuVersionInfo {
  readonly version: string;
  readonly variant: 'upstream' | 'legacy';
  readonly xcr0Mask: bigint;
  readonly xssMask: bigint;
  readonly note: string;
}

export interface QemuTdxTables {
  readonly version: QemuVersionInfo;
  readonly fixed1: readonly RegMask[];
  readonly attrsMap: readonly QemuAttrMap[];
  /** XFAM->CPUID rows in effect for this version. */
  readonly xfamDeps: readonly QemuXfamDep[];
  /** 0x40000001.EAX KVM PV features allowed for a TD. */
  readonly pvFeatures: number;
  /** TDX_SUPPORTED_TD_ATTRS: SEPT_VE_DISABLE | PKS | PERFMON. */
  readonly supportedTdAttrs: bigint;
  readonly defaultAttributes: bigint;
  readonly forced: { readonly pmu: boolean; readonly invtsc: boolean };
  /** 0xD.1.EAX bits QEMU adds unconditionally (XFD). */
  readonly xsave1EaxAlways: number;
}

export interface QemuLegacyWord extends RegAddress {
  readonly word: string;
  readonly fixed0: number;
  readonly fixed1: number;
  readonly dependsOnVmmCap: number;
  /** For leaves that #VE: the value QEMU allows. */
  readonly supportedOnVe: number | null;
}

interface RawWord {
  readonly name: string;
  readonly leaf: number;
  readonly subleaf: number | null;
  readonly reg: Reg;
  readonly names: Readonly<Record<string, string>>;
  readonly unmigratable: string;
  readonly noAutoenable: string;
  readonly migratable: string;
}

interface RawQemu {
  readonly schema: string;
  readonly source: { readonly file: string; readonly sha256: string; readonly featureWordsCommit: string };
  readonly featureWords: readonly RawWord[];
  readonly versions: readonly { readonly version: string; readonly variant: 'upstream'; readonly xcr0Mask: string; readonly xssMask: string; readonly note: string }[];
  readonly upstream: {
    readonly fixed1: readonly (readonly [number, number | null, Reg, string])[];
    readonly attrsMap: readonly QemuAttrMap[];
    readonly xfamDeps: readonly QemuXfamDep[];
    readonly pvFeatures: string;
    readonly supportedTdAttrs: string;
    readonly defaultAttributes: string;
    readonly forced: { readonly pmu: boolean; readonly invtsc: boolean };
    readonly xsave1EaxAlways: string;
  };
  readonly legacy: {
    readonly lookup: readonly {
      readonly word: string;
      readonly leaf: number;
      readonly subleaf: number | null;
      readonly reg: Reg;
      readonly fixed0?: string;
      readonly fixed1?: string;
      readonly dependsOnVmmCap?: string;
      readonly supportedOnVe?: string;
    }[];
  };
  readonly v6poc: { readonly fixed0: readonly (readonly [number, number | null, Reg, string])[]; readonly fixed1: readonly (readonly [number, number | null, Reg, string])[] };
  readonly crossCheck: {
    readonly upstreamFixed1Rows: readonly (readonly [number, number | null, Reg, number, Readonly<Record<string, string>>])[];
    readonly moduleOnly: readonly (readonly [string, number, number | null, Reg, readonly number[]])[];
  };
}

const RAW = raw as unknown as RawQemu;

let WORDS: readonly QemuFeatureWord[] | undefined;

export function qemuFeatureWords(): readonly QemuFeatureWord[] {
  if (!WORDS) {
    WORDS = RAW.featureWords.map((w) => {
      const names = new Map<number, string>(Object.entries(w.names).map(([b, n]) => [Number(b), n]));
      let named = 0;
      for (const b of names.keys()) named |= 1 << b;
      const unmigratable = hexU32(w.unmigratable);
      const migratableExtra = hexU32(w.migratable);
      return {
        name: w.name,
        leaf: w.leaf,
        subleaf: w.subleaf,
        reg: w.reg,
        names,
        unmigratable,
        noAutoenable: hexU32(w.noAutoenable),
        migratableExtra,
        migratable: ((named & ~unmigratable) | migratableExtra) >>> 0,
      };
    });
  }
  return WORDS;
}

let WORD_MAP: ReadonlyMap<string, QemuFeatureWord> | undefined;

export function qemuFeatureWord(leaf: number, subleaf: number | null, reg: Reg): QemuFeatureWord | undefined {
  if (!WORD_MAP) WORD_MAP = new Map(qemuFeatureWords().map((w) => [`${leafKeyString(w)}:${w.reg}`, w]));
  return WORD_MAP.get(`${leafKeyString({ leaf, subleaf })}:${reg}`);
}

let NAME_MAP: ReadonlyMap<string, RegAddress & { readonly bit: number }> | undefined;

/** `-cpu` property name (or an alias spelled with `_`/`.`) to its bit; first word wins for duplicates. */
export function qemuFeatureByName(name: string): (RegAddress & { readonly bit: number }) | undefined {
  if (!NAME_MAP) {
    const m = new Map<string, RegAddress & { bit: number }>();
    for (const w of qemuFeatureWords()) for (const [bit, n] of w.names) if (!m.has(n)) m.set(n, { leaf: w.leaf, subleaf: w.subleaf, reg: w.reg, bit });
    NAME_MAP = m;
  }
  const key = name.trim().toLowerCase();
  return NAME_MAP.get(key) ?? NAME_MAP.get(key.replace(/_/g, '-')) ?? NAME_MAP.get(key.replace(/_/g, '.'));
}

/** `-cpu` property name of a bit, if QEMU has one. */
export function qemuFeatureName(leaf: number, subleaf: number | null, reg: Reg, bit: number): string | undefined {
  return qemuFeatureWord(leaf, subleaf, reg)?.names.get(bit);
}

export function qemuVersions(): readonly string[] {
  return RAW.versions.map((v) => v.version);
}

function parseQemu(text: string): readonly [number, number, number] | null {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim().replace(/^v/, ''));
  return m ? [Number(m[1]), Number(m[2]), m[3] === undefined ? 0 : Number(m[3])] : null;
}

function cmp(a: readonly number[], b: readonly number[]): number {
  return a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
}

export interface QemuChoice {
  readonly tables: QemuTdxTables;
  readonly exact: boolean;
  readonly newer: boolean;
  readonly reason: string;
}

function tablesFor(v: RawQemu['versions'][number]): QemuTdxTables {
  const up = RAW.upstream;
  const since = parseQemu(v.version)!;
  return {
    version: { version: v.version, variant: 'upstream', xcr0Mask: hexU64(v.xcr0Mask), xssMask: hexU64(v.xssMask), note: v.note },
    fixed1: up.fixed1.map(([leaf, subleaf, reg, m]) => ({ leaf, subleaf, reg, mask: hexU32(m) })),
    attrsMap: up.attrsMap,
    xfamDeps: up.xfamDeps.filter((d) => cmp(parseQemu(d.since)!, since) <= 0),
    pvFeatures: hexU32(up.pvFeatures),
    supportedTdAttrs: hexU64(up.supportedTdAttrs),
    defaultAttributes: hexU64(up.defaultAttributes),
    forced: up.forced,
    xsave1EaxAlways: hexU32(up.xsave1EaxAlways),
  };
}

/**
 * QEMU tables for a version: the newest known upstream version not above it. Versions before
 * 10.1 have no upstream TDX: they are pre-upstream TDX trees (legacy tables), reported as such.
 */
export function resolveQemu(requested: string): QemuChoice | null {
  const want = parseQemu(requested);
  if (!want) return null;
  const all = RAW.versions.map((v) => ({ raw: v, p: parseQemu(v.version)! }));
  const notAbove = all.filter((x) => cmp(x.p, want) <= 0);
  const newest = all[all.length - 1]!;
  if (notAbove.length === 0) {
    return {
      tables: tablesFor(all[0]!.raw),
      exact: false,
      newer: false,
      reason: `QEMU ${requested} predates upstream TDX support (10.1): a pre-upstream TDX tree; its legacy tables are not modelled, using the upstream ${all[0]!.raw.version} tables`,
    };
  }
  const pick = notAbove[notAbove.length - 1]!;
  const exact = pick.p[0] === want[0] && pick.p[1] === want[1];
  return {
    tables: tablesFor(pick.raw),
    exact,
    newer: cmp(want, newest.p) > 0 && !(want[0] === newest.p[0] && want[1] === newest.p[1]),
    reason: exact ? `QEMU ${pick.raw.version} tables` : `QEMU ${requested}: using the tables of ${pick.raw.version}, the nearest older known version`,
  };
}

export function qemuLegacyLookup(): readonly QemuLegacyWord[] {
  return RAW.legacy.lookup.map((w) => ({
    word: w.word,
    leaf: w.leaf,
    subleaf: w.subleaf,
    reg: w.reg,
    fixed0: w.fixed0 ? hexU32(w.fixed0) : 0,
    fixed1: w.fixed1 ? hexU32(w.fixed1) : 0,
    dependsOnVmmCap: w.dependsOnVmmCap ? hexU32(w.dependsOnVmmCap) : 0,
    supportedOnVe: w.supportedOnVe ? hexU32(w.supportedOnVe) : null,
  }));
}

export function qemuV6PocTables(): { readonly fixed0: readonly RegMask[]; readonly fixed1: readonly RegMask[] } {
  const conv = (rows: RawQemu['v6poc']['fixed0']): RegMask[] => rows.map(([leaf, subleaf, reg, m]) => ({ leaf, subleaf, reg, mask: hexU32(m) }));
  return { fixed0: conv(RAW.v6poc.fixed0), fixed1: conv(RAW.v6poc.fixed1) };
}

/** The reference file's own QEMU-vs-module comparison (for tests of the engine's cross-check). */
export function qemuReferenceCrossCheck(): RawQemu['crossCheck'] {
  return RAW.crossCheck;
}

export const QEMU_KNOWLEDGE_SOURCE = RAW.source;
export const DEFAULT_QEMU_VERSION = RAW.versions[RAW.versions.length - 1]!.version;
