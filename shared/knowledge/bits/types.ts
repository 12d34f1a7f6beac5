// The bit-name knowledge: one entry per named CPUID bit or multi-bit field, as generated
// into data/bits.json by build/knowledge/bits/generate.mjs (sources: PROVENANCE.md there).

import type { Reg } from '../../model/address';

/** Sub-leaf of an entry: none, one, or an inclusive range `[lo, hi]` (leaf 4: every cache). */
export type EntrySubleaf = number | null | readonly [number, number];

/** An entry as stored in data/bits.json. */
export interface BitRecord {
  readonly leaf: number;
  readonly subleaf: EntrySubleaf;
  readonly reg: Reg;
  /** `[lo, hi]` inclusive; `lo === hi` for a single bit. */
  readonly bits: readonly [number, number];
  /** Decode name: Linux /proc/cpuinfo name, else the x86-cpuid-db short name (absent on reserved runs). */
  readonly name?: string;
  /** x86-cpuid-db (kcpuid CSV) short name. */
  readonly kcpuid?: string;
  /** Linux /proc/cpuinfo flag name (only for bits Linux prints). */
  readonly proc?: string;
  /** Linux X86_FEATURE_ suffix (`XMM4_1`). */
  readonly linux?: string;
  /** QEMU `-cpu` property (`sse4.1`, `avx512-vpopcntdq`). */
  readonly qemu?: string;
  /** Other spellings QEMU accepts for the property (`sse4-1`, `sse4_1`). */
  readonly qemuAliases?: readonly string[];
  /** Further lookup names this project accepts (`maxphyaddr`). */
  readonly aliases?: readonly string[];
  /** Differs on every logical CPU by design (APIC IDs): never reported as heterogeneity. */
  readonly identity?: boolean;
  /** A run of bits the TDX module or QEMU tables mention that no source names. */
  readonly reserved?: boolean;
  /** One line, in this project's words. */
  readonly desc?: string;
}

export interface BitsFile {
  readonly schema: 'tdx-cpuid/bits/v1';
  readonly generatedBy: string;
  /** Leaf (`0x7`) -> one-line description. */
  readonly leaves: Readonly<Record<string, string>>;
  readonly entries: readonly BitRecord[];
}

export type EntryKind = 'bit' | 'field' | 'reserved';

/** An entry with its derived facts, as the lookups return it. */
export interface BitEntry extends BitRecord {
  readonly kind: EntryKind;
  /** Name, or `null` for a reserved run. */
  readonly displayName: string | null;
  readonly description: string;
  /** Position in the data file (stable order: leaf, sub-leaf, register, bit). */
  readonly index: number;
}

/** The named contents of one register of one leaf/sub-leaf, precomputed for fast decoding. */
export interface RegLayout {
  /** Single-bit features, ascending by bit. */
  readonly features: readonly BitEntry[];
  /** Multi-bit fields, ascending by low bit. */
  readonly fields: readonly BitEntry[];
  /** Reserved runs the TDX/QEMU tables mention. */
  readonly reserved: readonly BitEntry[];
  /** `byBit[b]`: the entry covering bit b (feature, field or reserved run), if any. */
  readonly byBit: readonly (BitEntry | undefined)[];
  /** Bits that belong to identity fields (APIC IDs...). */
  readonly identityMask: number;
}
