// Typed reader of the TDX module CPUID tables (module-tables.json, generated from the
// reference file; see PROVENANCE.md). One ModuleTable per module version: the lookup entries
// with their masks (tdx-cpuid-model.md section 2), the configurable slots in CPUID_CONFIG
// order, XFAM gating masks, special handling texts and the global run-time rules.

import type { LeafKey, Reg } from '../../model/address';
import { compareLeafKey, leafKeyString, regIndex } from '../../model/address';
import raw from './module-tables.json';
import { hexU32, hexU64 } from './hex';
import type { ModuleVersion, TableChoice } from './versions';
import { chooseTable, parseModuleVersion } from './versions';

/** Masks of one register of one lookup entry; derived masks recomputed here. */
export interface RegMasks {
  readonly verifyMask: number;
  readonly verifyValue: number;
  readonly verifySame: number;
  readonly fixed1: number;
  /** fixed0_or_dynamic: forced to 0 in the stored TD value (some bits are recomputed at run time). */
  readonly fixed0: number;
  readonly configDirect: number;
  /** allow_direct: the TD gets native AND configured. */
  readonly allowDirect: number;
  /** Not fixed, not configurable: the value sampled from the host. */
  readonly native: number;
  readonly nativeVerified1: number;
  readonly nativeVerified0: number;
}

export interface SpecialHandling {
  /** "table", "TDH.MNG.INIT", "runtime", "TDH.MNG.INIT+runtime". */
  readonly stage: string;
  readonly text: string;
}

export interface ModuleEntry extends LeafKey {
  /** eax, ebx, ecx, edx. */
  readonly regs: readonly [RegMasks, RegMasks, RegMasks, RegMasks];
  /** Slot in CPUID_CONFIG (= KVM_TDX_CAPABILITIES cpuid.entries[] order), or null. */
  readonly configIndex: number | null;
  /** CPUID of this leaf raises #VE (table flag). */
  readonly faulting: boolean;
  /** XFAM bit -> bits cleared per register (eax..edx) when that XFAM bit is 0. */
  readonly xfamGating: ReadonlyMap<number, readonly [number, number, number, number]>;
  readonly special: readonly SpecialHandling[];
}

export interface ModuleProvenance {
  readonly repo: string | null;
  readonly commit: string | null;
  readonly path: string | null;
}

export interface ModuleInfo {
  readonly version: string;
  readonly parsed: ModuleVersion;
  /** "1.5", "2.0". */
  readonly line: string;
  readonly build: number | null;
  /** YYYYMMDD. */
  readonly date: string | null;
  readonly sourceKind: 'source' | 'binary';
  readonly tableStyle: string;
  readonly provenance: readonly ModuleProvenance[];
  readonly lookupCount: number;
  readonly configCount: number;
  /** #VE-reduction generation (1.5.09+/2.0.04+): TD_CTLS.REDUCE_VE, CPUID_FIXED0_BITMAP. */
  readonly veReduction: boolean;
  readonly identicalTo: string | null;
  readonly note: string | null;
}

interface RawEntry {
  readonly leaf: number;
  readonly subleaf: number | null;
  readonly regs: readonly (readonly string[])[];
  readonly xfam?: Readonly<Record<string, readonly string[]>>;
  readonly special?: readonly (readonly [string, number])[];
}

interface RawVersion {
  readonly version: string;
  readonly build: number | null;
  readonly date: string | null;
  readonly sourceKind: string;
  readonly tableStyle: string;
  readonly provenance: readonly ModuleProvenance[];
  readonly configCount: number;
  readonly lookup: readonly (readonly [number, number | null, number])[];
  readonly runtimeRules: readonly number[];
  readonly veReduction: boolean;
  readonly fixed0Bitmap: string | null;
  readonly identicalTo: string | null;
  readonly note?: string;
}

interface RawTables {
  readonly schema: string;
  readonly source: { readonly file: string; readonly sha256: string };
  readonly constants: {
    readonly xfamFixed0: string;
    readonly xfamFixed1: string;
    readonly attributesFixed0: string;
    readonly attributesFixed0Pre155: string;
    readonly attributesFixed1: string;
  };
  readonly texts: readonly string[];
  readonly entries: readonly RawEntry[];
  readonly versions: readonly RawVersion[];
}

const RAW = raw as unknown as RawTables;

/** ATTRIBUTES bits the model names (TD_PARAMS.ATTRIBUTES; tdx-cpuid-model.md 2.1, 4). */
export const ATTR = {
  DEBUG: 0n,
  ICSSD: 16n,
  LASS: 27n,
  SEPT_VE_DISABLE: 28n,
  MIGRATABLE: 29n,
  PKS: 30n,
  KL: 31n,
  PERFMON: 63n,
} as const;
export type AttrName = keyof typeof ATTR;

export function attrBit(name: AttrName): bigint {
  return 1n << ATTR[name];
}

function toMasks(values: readonly string[]): RegMasks {
  const [verifyMask, verifyValue, verifySame, fixed1, fixed0, configDirect, allowDirect] = values.map(hexU32) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const native = ~(fixed1 | fixed0 | configDirect | allowDirect) >>> 0;
  return {
    verifyMask,
    verifyValue,
    verifySame,
    fixed1,
    fixed0,
    configDirect,
    allowDirect,
    native,
    nativeVerified1: (native & verifyMask & verifyValue) >>> 0,
    nativeVerified0: (native & verifyMask & ~verifyValue) >>> 0,
  };
}

export class ModuleTable {
  readonly info: ModuleInfo;
  /** Lookup entries, ascending by leaf and sub-leaf. */
  readonly entries: readonly ModuleEntry[];
  /** Configurable entries by config index (CPUID_CONFIG order). */
  readonly configSlots: readonly ModuleEntry[];
  readonly runtimeRules: readonly string[];
  /** Leaves virtualized as all-zero when not in the lookup table (CPUID_FIXED0_BITMAP), 1.5.09+/2.0.04+. */
  readonly fixed0BitmapLeaves: ReadonlySet<number>;
  readonly xfamFixed0: bigint;
  readonly xfamFixed1: bigint;
  readonly attributesFixed0: bigint;
  readonly attributesFixed1: bigint;
  private readonly byKey: ReadonlyMap<string, ModuleEntry>;
  private readonly leaves: ReadonlySet<number>;

  constructor(v: RawVersion, pool: readonly RawEntry[], texts: readonly string[]) {
    this.info = infoOf(v);
    const parsed = this.info.parsed;
    const entries: ModuleEntry[] = v.lookup.map(([id, configIndex, faulting]) => {
      const e = pool[id]!;
      const xfamGating = new Map<number, readonly [number, number, number, number]>();
      for (const [bit, regs] of Object.entries(e.xfam ?? {})) {
        xfamGating.set(Number(bit), regs.map(hexU32) as unknown as readonly [number, number, number, number]);
      }
      return {
        leaf: e.leaf,
        subleaf: e.subleaf,
        regs: e.regs.map(toMasks) as unknown as readonly [RegMasks, RegMasks, RegMasks, RegMasks],
        configIndex,
        faulting: faulting === 1,
        xfamGating,
        special: (e.special ?? []).map(([stage, t]) => ({ stage, text: texts[t]! })),
      };
    });
    entries.sort(compareLeafKey);
    this.entries = entries;
    const slots: ModuleEntry[] = [];
    for (const e of entries) if (e.configIndex !== null) slots[e.configIndex] = e;
    this.configSlots = slots;
    this.byKey = new Map(entries.map((e) => [leafKeyString(e), e]));
    this.leaves = new Set(entries.map((e) => e.leaf));
    this.runtimeRules = v.runtimeRules.map((t) => texts[t]!);
    const bitmapLeaves = new Set<number>();
    if (v.fixed0Bitmap) {
      // Bit n = leaf n (n < 52), bit 52+n = leaf 0x80000000+n (CPUID_FIXED0_BITMAP_BASE_RANGE = 52).
      const bm = hexU64(v.fixed0Bitmap);
      for (let i = 0n; i < 64n; i++) {
        if ((bm >> i) & 1n) bitmapLeaves.add(i < 52n ? Number(i) : 0x80000000 + Number(i - 52n));
      }
    }
    this.fixed0BitmapLeaves = bitmapLeaves;
    const lassSupported = parsed.major > 1 || (parsed.major === 1 && (parsed.minor > 5 || (parsed.minor === 5 && parsed.update >= 5)));
    this.xfamFixed0 = hexU64(RAW.constants.xfamFixed0);
    this.xfamFixed1 = hexU64(RAW.constants.xfamFixed1);
    this.attributesFixed0 = hexU64(lassSupported ? RAW.constants.attributesFixed0 : RAW.constants.attributesFixed0Pre155);
    this.attributesFixed1 = hexU64(RAW.constants.attributesFixed1);
  }

  get version(): string {
    return this.info.version;
  }

  /** The entry for a leaf/sub-leaf (sub-leaf null for leaves without sub-leaves). */
  get(leaf: number, subleaf: number | null): ModuleEntry | undefined {
    return this.byKey.get(leafKeyString({ leaf, subleaf }));
  }

  /** Finds the entry the way a CPUID instruction does: a leaf without sub-leaves ignores ECX. */
  lookup(leaf: number, subleaf: number | null): ModuleEntry | undefined {
    return this.get(leaf, subleaf) ?? this.get(leaf, null);
  }

  hasLeaf(leaf: number): boolean {
    return this.leaves.has(leaf);
  }

  masks(entry: ModuleEntry, reg: Reg): RegMasks {
    return entry.regs[regIndex(reg)]!;
  }

  /** Maximum basic leaf the TD reports (0.EAX is fully fixed by the table). */
  get maxBasicLeaf(): number {
    return this.get(0, null)?.regs[0].fixed1 ?? 0;
  }

  /** ATTRIBUTES.LASS virtualization (7.1.EAX[6] := ATTRIBUTES.LASS) exists from 1.5.05 on. */
  get lassGating(): boolean {
    return (this.attributesFixed0 & attrBit('LASS')) !== 0n;
  }
}

const TABLES = new Map<string, ModuleTable>();
const INFOS = new Map<RawVersion, ModuleInfo>();

/** What a version's table says about itself, read without building the table. */
function infoOf(v: RawVersion): ModuleInfo {
  let info = INFOS.get(v);
  if (info) return info;
  const parsed = parseModuleVersion(v.version);
  if (!parsed) throw new Error(`module-tables.json: bad version ${v.version}`);
  info = {
    version: v.version,
    parsed,
    line: `${parsed.major}.${parsed.minor}`,
    build: v.build,
    date: v.date,
    sourceKind: v.sourceKind === 'binary' ? 'binary' : 'source',
    tableStyle: v.tableStyle,
    provenance: v.provenance,
    lookupCount: v.lookup.length,
    configCount: v.configCount,
    veReduction: v.veReduction,
    identicalTo: v.identicalTo,
    note: v.note ?? null,
  };
  INFOS.set(v, info);
  return info;
}

/**
 * A version's information (date, build, #VE reduction...) without building its table: lists
 * of versions (the interface's module choice) need only this, not 19 tables' masks.
 */
export function moduleInfo(version: string): ModuleInfo | undefined {
  const v = RAW.versions.find((x) => x.version === version);
  return v ? infoOf(v) : undefined;
}

/** All known module versions, ascending. */
export function moduleVersions(): readonly string[] {
  return RAW.versions.map((v) => v.version);
}

export function moduleTable(version: string): ModuleTable | undefined {
  let t = TABLES.get(version);
  if (t) return t;
  const v = RAW.versions.find((x) => x.version === version);
  if (!v) return undefined;
  t = new ModuleTable(v, RAW.entries, RAW.texts);
  TABLES.set(version, t);
  return t;
}

/**
 * Table for any version string: exact, or the nearest older table of its line (flagged).
 * Older kernels print only "major.minor" and a build number (`major_version 1,
 * minor_version 5, ... build_num 698`); the build number then selects the release
 * (build numbers per release: tdx-module-versions.md / the modules' BUILD.md).
 */
export function resolveModuleTable(requested: string, build?: number): { table: ModuleTable; choice: TableChoice } | null {
  const lineOnly = /^\s*v?(\d+)\.(\d+)\s*$/i.exec(requested);
  if (lineOnly) {
    const line = `${Number(lineOnly[1])}.${Number(lineOnly[2])}`;
    const inLine = RAW.versions.filter((v) => v.version.startsWith(`${line}.`) && !/beta/i.test(v.version));
    if (inLine.length > 0) {
      const withBuild = inLine.filter((v) => v.build !== null).sort((a, b) => a.build! - b.build!);
      if (build !== undefined) {
        const same = withBuild.find((v) => v.build === build);
        if (same) return { table: moduleTable(same.version)!, choice: { table: same.version, exact: true, reason: `build ${build} is module ${same.version}` } };
        const older = withBuild.filter((v) => v.build! < build).pop();
        if (older) {
          return {
            table: moduleTable(older.version)!,
            choice: { table: older.version, exact: false, reason: `no ${line} table has build ${build}; using ${older.version} (build ${older.build}), the nearest older build` },
          };
        }
      }
      const newest = inLine[inLine.length - 1]!;
      return {
        table: moduleTable(newest.version)!,
        choice: {
          table: newest.version,
          exact: false,
          reason: `only the module line ${line} is known${build !== undefined ? ` (build ${build} matches no known release)` : ''}; using the newest ${line} table, ${newest.version}`,
        },
      };
    }
  }
  const choice = chooseTable(requested, moduleVersions());
  if (!choice) return null;
  return { table: moduleTable(choice.table)!, choice };
}

export const MODULE_KNOWLEDGE_SOURCE = RAW.source;

