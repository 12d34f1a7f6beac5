// Typed reader of the KVM knowledge (kvm-supported.json, generated; see PROVENANCE.md): per
// kernel version, how KVM_GET_SUPPORTED_CPUID builds each leaf from the host CPUID (feature
// words with pass-through / always-set masks and conditions, other registers as operations)
// and how KVM_TDX_CAPABILITIES is reported (6.16 upstream ABI, or the legacy ABI before it).

import type { LeafKey, Reg, RegAddress } from '../../model/address';
import { leafKeyString } from '../../model/address';
import raw from './kvm-supported.json';
import { hexU32, hexU64 } from '../tdx-module/hex';

/** A register's operation: see build/knowledge/kvm/generate.mjs. */
export type KvmOp = 'h' | 'z' | 'w' | 'wh' | readonly [kind: 'c' | 'min' | 'and' | 'clr' | 'fn', arg: string];

export type When = string | { readonly all: readonly When[] } | { readonly any: readonly When[] };

export interface KvmCondition {
  readonly bit: number;
  readonly effect: 'set' | 'clear';
  readonly vendor: 'any' | 'intel' | 'amd';
  readonly when: When;
  readonly name: string;
}

export interface KvmFeatureWord extends RegAddress {
  /** Linux name, e.g. CPUID_7_0_EBX. */
  readonly name: string;
  readonly passthrough: number;
  readonly alwaysSet: number;
  readonly neverReported: number;
  readonly conditions: readonly KvmCondition[];
  /** bit -> { X86_FEATURE name, kind }. */
  readonly bits: ReadonlyMap<number, { readonly name: string; readonly kind: string }>;
}

export interface KvmLeafRule extends LeafKey {
  readonly op: Readonly<Record<Reg, KvmOp>>;
  readonly zeroIf?: string;
  readonly presentIf?: string;
  readonly subleaves?: 'cache' | 'count-eax' | 'zero-only' | 'xsave-components';
  readonly note?: string;
}

export interface KvmTdxBehaviour {
  readonly abi: '6.16' | 'legacy';
  /** Bits KVM clears from the module's configurable CPUID (leaf, sub-leaf, register, mask). */
  readonly clears: readonly (readonly [number, number, Reg, number])[];
  /** KVM reports 0x80000008.EAX[23:16] as 0xff (where userspace puts the guest physical address width). */
  readonly gpawField: boolean;
  /** KVM's own supported ATTRIBUTES before intersecting with the module. */
  readonly supportedAttrs: bigint | null;
}

export interface KvmVersion {
  readonly version: string;
  readonly parsed: readonly [number, number, number];
  readonly provenance: { readonly repo: string; readonly commit: string };
  /** Cap of the basic range (min(host 0.EAX, this)). */
  readonly maxBasic: number;
  readonly supportedXcr0: bigint;
  /** KVM_SUPPORTED_XSS, null when the kernel has none (XSS forced to 0). */
  readonly supportedXss: bigint | null;
  readonly tdx: KvmTdxBehaviour;
  readonly leaves: readonly KvmLeafRule[];
  word(leaf: number, subleaf: number | null, reg: Reg): KvmFeatureWord | undefined;
  rule(leaf: number, subleaf: number | null): KvmLeafRule | undefined;
  /** Raw-CPUID address of an X86_FEATURE name this kernel knows (for `kflag:` conditions). */
  featureBit(name: string): (RegAddress & { readonly bit: number }) | undefined;
  readonly words: readonly KvmFeatureWord[];
}

interface RawWord {
  readonly leaf: number;
  readonly subleaf: number | null;
  readonly reg: Reg;
  readonly name: string;
  readonly pass: string;
  readonly always: string;
  readonly never: string;
  readonly conds: readonly (readonly [number, 'set' | 'clear', 'any' | 'intel' | 'amd', When, string])[];
  readonly bits: Readonly<Record<string, string>>;
}

interface RawVersion {
  readonly version: string;
  readonly provenance: { readonly repo: string; readonly commit: string };
  readonly maxBasic: string;
  readonly xsave: { readonly supportedXcr0: string; readonly supportedXss: string | null };
  readonly tdx: { readonly abi: '6.16'; readonly clears: readonly (readonly [number, number, Reg, string])[]; readonly gpawField: boolean; readonly supportedAttrs: string } | null;
  readonly leaves: readonly KvmLeafRule[];
  readonly words: readonly RawWord[];
}

interface RawKvm {
  readonly schema: string;
  readonly source: { readonly file: string; readonly sha256: string };
  readonly versions: readonly RawVersion[];
}

const RAW = raw as unknown as RawKvm;

function parseKernel(text: string): readonly [number, number, number] | null {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim().replace(/^v/, ''));
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), m[3] === undefined ? 0 : Number(m[3])];
}

function compareKernel(a: readonly number[], b: readonly number[]): number {
  return a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
}

function buildVersion(v: RawVersion): KvmVersion {
  const words = v.words.map((w): KvmFeatureWord => {
    const bits = new Map<number, { name: string; kind: string }>();
    for (const [b, nk] of Object.entries(w.bits)) {
      const i = nk.lastIndexOf(':');
      bits.set(Number(b), { name: nk.slice(0, i), kind: nk.slice(i + 1) });
    }
    return {
      leaf: w.leaf,
      subleaf: w.subleaf,
      reg: w.reg,
      name: w.name,
      passthrough: hexU32(w.pass),
      alwaysSet: hexU32(w.always),
      neverReported: hexU32(w.never),
      conditions: w.conds.map(([bit, effect, vendor, when, name]) => ({ bit, effect, vendor, when, name })),
      bits,
    };
  });
  const wordMap = new Map(words.map((w) => [`${leafKeyString(w)}:${w.reg}`, w]));
  const ruleMap = new Map(v.leaves.map((l) => [leafKeyString(l), l]));
  const byName = new Map<string, RegAddress & { bit: number }>();
  for (const w of words) for (const [bit, { name }] of w.bits) if (!byName.has(name)) byName.set(name, { leaf: w.leaf, subleaf: w.subleaf, reg: w.reg, bit });
  const parsed = parseKernel(v.version)!;
  const tdx: KvmTdxBehaviour = v.tdx
    ? { abi: '6.16', clears: v.tdx.clears.map(([l, s, r, m]) => [l, s, r, hexU32(m)] as const), gpawField: v.tdx.gpawField, supportedAttrs: hexU64(v.tdx.supportedAttrs) }
    : { abi: 'legacy', clears: [], gpawField: false, supportedAttrs: null };
  return {
    version: v.version,
    parsed,
    provenance: v.provenance,
    maxBasic: hexU32(v.maxBasic),
    supportedXcr0: hexU64(v.xsave.supportedXcr0),
    supportedXss: v.xsave.supportedXss ? hexU64(v.xsave.supportedXss) : null,
    tdx,
    leaves: v.leaves,
    words,
    word: (leaf, subleaf, reg) => wordMap.get(`${leafKeyString({ leaf, subleaf })}:${reg}`),
    rule: (leaf, subleaf) => ruleMap.get(leafKeyString({ leaf, subleaf })),
    featureBit: (name) => byName.get(name),
  };
}

const CACHE = new Map<string, KvmVersion>();

export function kvmVersions(): readonly string[] {
  return RAW.versions.map((v) => v.version);
}

export function kvmKnowledge(version: string): KvmVersion | undefined {
  let k = CACHE.get(version);
  if (k) return k;
  const v = RAW.versions.find((x) => x.version === version);
  if (!v) return undefined;
  k = buildVersion(v);
  CACHE.set(version, k);
  return k;
}

export interface KernelChoice {
  readonly kvm: KvmVersion;
  readonly exact: boolean;
  /** True when the requested kernel is newer than every known table. */
  readonly newer: boolean;
  readonly reason: string;
}

/**
 * The KVM table for a kernel release ("6.16", "6.8.0-45-generic", "7.0.0-rc3"): the same
 * major.minor with the highest known patch level not above the request (else the lowest of
 * that line), else the nearest older line, else the oldest table.
 */
export function resolveKernel(requested: string): KernelChoice | null {
  const want = parseKernel(requested);
  if (!want) return null;
  const all = kvmVersions().map((v) => ({ v, p: parseKernel(v)! }));
  const line = all.filter((x) => x.p[0] === want[0] && x.p[1] === want[1]);
  const newest = all[all.length - 1]!;
  const newer = compareKernel(want, [newest.p[0], newest.p[1], Number.MAX_SAFE_INTEGER]) > 0;
  let pick: { v: string; p: readonly number[] } | undefined;
  let how: string;
  if (line.length > 0) {
    const notAbove = line.filter((x) => compareKernel(x.p, want) <= 0);
    pick = notAbove.length > 0 ? notAbove[notAbove.length - 1]! : line[0]!;
    how = `same ${want[0]}.${want[1]} line`;
  } else {
    const older = all.filter((x) => compareKernel(x.p, want) < 0);
    pick = older.length > 0 ? older[older.length - 1]! : all[0]!;
    how = older.length > 0 ? `nearest older kernel with a table` : `oldest table`;
  }
  const exact = compareKernel(pick.p, want) === 0;
  return {
    kvm: kvmKnowledge(pick.v)!,
    exact,
    newer,
    reason: exact ? `KVM table for ${pick.v}` : `kernel ${requested}: using the KVM table of ${pick.v} (${how})`,
  };
}

export const KVM_KNOWLEDGE_SOURCE = RAW.source;
