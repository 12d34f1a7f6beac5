// Names of CPUID bits and fields: by address, by any spelling (Linux /proc/cpuinfo, QEMU
// `-cpu` property and aliases, x86-cpuid-db short name, Linux X86_FEATURE_), per-register
// layouts for decoding, and per-leaf descriptions.

import type { BitAddress, Reg } from '../../model/address';
import { parseBitAddress, regIndex } from '../../model/address';
import { bitsTable, layoutOf, layoutsOf, normaliseName } from './table';
import type { BitEntry, RegLayout } from './types';

export type { BitEntry, BitRecord, EntryKind, EntrySubleaf, RegLayout } from './types';
export { layoutOf, layoutsOf, normaliseName } from './table';

/** The entry that covers a bit: a named bit, the field it belongs to, or a reserved run. */
export function bitInfo(addr: BitAddress): BitEntry | undefined {
  if (addr.bit < 0 || addr.bit > 31) return undefined;
  return layoutsOf(addr.leaf, addr.subleaf)[regIndex(addr.reg)]!.byBit[addr.bit];
}

/**
 * Decode name of a single-bit feature (Linux /proc/cpuinfo name, else x86-cpuid-db short
 * name). Undefined for bits that are part of a multi-bit field, reserved, or unknown.
 */
export function bitName(addr: BitAddress): string | undefined {
  const e = bitInfo(addr);
  return e && e.kind === 'bit' ? (e.displayName ?? undefined) : undefined;
}

/** All entries known by a name, best match first (case, `-`, `_` and `.` do not matter). */
export function findBitsByName(name: string): readonly BitEntry[] {
  return bitsTable().byName.get(normaliseName(name)) ?? [];
}

/**
 * The entry a name means: `avx512f`, `sse4.1`/`sse4_1`/`sse4-1`, `sse3` (QEMU alias of pni),
 * `amx-tile`, `XMM4_1` (Linux), `ds_cpl`, `maxphyaddr`. A /proc/cpuinfo name or QEMU property
 * wins over an x86-cpuid-db name; among equals the lowest leaf (`pae` is 1.EDX[6], not AMD's
 * copy in 0x80000001.EDX).
 */
export function findBitByName(name: string): BitEntry | undefined {
  return findBitsByName(name)[0];
}

/** A bit given as an address (`7.0.ebx.16`, `7.0.EBX[16]`) or as a name. */
export function resolveBit(text: string): { readonly entry: BitEntry | undefined; readonly address: BitAddress | null } {
  const address = parseBitAddress(text);
  if (address) return { entry: bitInfo(address), address };
  const entry = findBitByName(text);
  if (!entry) return { entry: undefined, address: null };
  const subleaf = Array.isArray(entry.subleaf) ? (entry.subleaf as readonly [number, number])[0] : (entry.subleaf as number | null);
  return { entry, address: { leaf: entry.leaf, subleaf, reg: entry.reg, bit: entry.bits[0] } };
}

/** Named multi-bit fields of one register of a leaf/sub-leaf, ascending by low bit. */
export function fieldsOf(leaf: number, subleaf: number | null, reg: Reg): readonly BitEntry[] {
  return layoutOf(leaf, subleaf, reg).fields;
}

/** Named single-bit features of one register of a leaf/sub-leaf, ascending by bit. */
export function featuresOf(leaf: number, subleaf: number | null, reg: Reg): readonly BitEntry[] {
  return layoutOf(leaf, subleaf, reg).features;
}

export function registerLayout(leaf: number, subleaf: number | null, reg: Reg): RegLayout {
  return layoutOf(leaf, subleaf, reg);
}

/** One-line description of a leaf, in this project's words. */
export function leafDescription(leaf: number): string | undefined {
  return bitsTable().leafDescriptions.get(leaf);
}

/** Every entry, in data order (leaf, sub-leaf, register, bit). */
export function allBitEntries(): readonly BitEntry[] {
  return bitsTable().entries;
}

/** Entries whose /proc/cpuinfo name is `flag` (Linux prints it when the bit is 1). */
export function entriesByProcName(flag: string): readonly BitEntry[] {
  return findBitsByName(flag).filter((e) => e.proc === flag);
}
