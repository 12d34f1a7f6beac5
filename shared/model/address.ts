// CPUID addressing: leaf, sub-leaf (or none), register, bit or bit range.
// Notation follows tdx-cpuid-model.md: `7.0.EBX[16]`, `1.ECX[3]`, `0x80000008.EAX[7:0]`.

export type Reg = 'eax' | 'ebx' | 'ecx' | 'edx';
export const REGS: readonly Reg[] = ['eax', 'ebx', 'ecx', 'edx'];

export function regIndex(reg: Reg): 0 | 1 | 2 | 3 {
  switch (reg) {
    case 'eax':
      return 0;
    case 'ebx':
      return 1;
    case 'ecx':
      return 2;
    case 'edx':
      return 3;
  }
}

export function isReg(s: string): s is Reg {
  return s === 'eax' || s === 'ebx' || s === 'ecx' || s === 'edx';
}

/** A leaf and, for leaves that have them, a sub-leaf (ECX input). `null` = leaf without sub-leaves. */
export interface LeafKey {
  readonly leaf: number;
  readonly subleaf: number | null;
}

export interface RegAddress extends LeafKey {
  readonly reg: Reg;
}

export interface BitAddress extends RegAddress {
  readonly bit: number;
}

/** A multi-bit field; `bits` is `[low, high]`, inclusive, as in the CLI contract (`"bits": [4, 7]`). */
export interface FieldAddress extends RegAddress {
  readonly bits: readonly [number, number];
}

/** Sub-leaf as a number for ordering and map keys: `null` sorts before sub-leaf 0. */
export function subleafCode(subleaf: number | null): number {
  return subleaf === null ? -1 : subleaf;
}

export function compareLeafKey(a: LeafKey, b: LeafKey): number {
  return a.leaf - b.leaf || subleafCode(a.subleaf) - subleafCode(b.subleaf);
}

export function compareRegAddress(a: RegAddress, b: RegAddress): number {
  return compareLeafKey(a, b) || regIndex(a.reg) - regIndex(b.reg);
}

export function compareBitAddress(a: BitAddress, b: BitAddress): number {
  return compareRegAddress(a, b) || a.bit - b.bit;
}

export function sameLeafKey(a: LeafKey, b: LeafKey): boolean {
  return a.leaf === b.leaf && a.subleaf === b.subleaf;
}

export function sameBit(a: BitAddress, b: BitAddress): boolean {
  return sameLeafKey(a, b) && a.reg === b.reg && a.bit === b.bit;
}

/** `0x7` / `0x80000008`; small leaves in hex too, lower-case. */
export function hexLeaf(leaf: number): string {
  return `0x${leaf.toString(16)}`;
}

export function hex32(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}

/** `7.0` or `0x80000008` style key, as used in the model document. */
export function formatLeafKey(k: LeafKey): string {
  const leaf = k.leaf < 10 ? String(k.leaf) : hexLeaf(k.leaf).toUpperCase().replace('0X', '0x');
  return k.subleaf === null ? leaf : `${leaf}.${k.subleaf < 10 ? k.subleaf : hexLeaf(k.subleaf)}`;
}

/** `7.0.EBX[16]` */
export function formatBit(a: BitAddress): string {
  return `${formatLeafKey(a)}.${a.reg.toUpperCase()}[${a.bit}]`;
}

/** `1.EAX[7:4]` (or `[n]` for a one-bit field). */
export function formatField(a: FieldAddress): string {
  const [lo, hi] = a.bits;
  return `${formatLeafKey(a)}.${a.reg.toUpperCase()}[${hi === lo ? lo : `${hi}:${lo}`}]`;
}

/** Stable string key of a bit, for maps: `7:0:ebx:16`, sub-leaf `-` when none. */
export function bitKey(a: BitAddress): string {
  return `${a.leaf}:${a.subleaf ?? '-'}:${a.reg}:${a.bit}`;
}

export function leafKeyString(k: LeafKey): string {
  return `${k.leaf}:${k.subleaf ?? '-'}`;
}

function parseNumber(s: string): number | null {
  const t = s.trim().toLowerCase();
  if (/^0x[0-9a-f]+$/.test(t)) return parseInt(t.slice(2), 16);
  if (/^[0-9a-f]+h$/.test(t)) return parseInt(t.slice(0, -1), 16);
  // Eight digits is how AIDA64 and dumps write a leaf: hex.
  if (/^[0-9a-f]{8}$/.test(t)) return parseInt(t, 16);
  if (/^[0-9]+$/.test(t)) return parseInt(t, 10);
  return null;
}

/**
 * Parses a bit written the ways engineers write it: `7.0.ebx.16`, `7.0.EBX[16]`,
 * `0x7.0x0.ebx.16`, `1.ecx.3`, `1.ECX[3]`, `0x80000001.edx[11]`.
 * Leaf numbers without `0x` are decimal (as in the model document: `7`, `1`); write hex leaves with `0x`.
 * Returns null when the text is not a bit address.
 */
export function parseBitAddress(text: string): BitAddress | null {
  const t = text.trim();
  const m = /^([0-9a-fA-Fx]+h?)(?:\.([0-9a-fA-Fx]+))?\.(eax|ebx|ecx|edx)(?:\.(\d+)|\[(\d+)\])$/i.exec(t);
  if (!m) return null;
  const leaf = parseNumber(m[1]!);
  const subleaf = m[2] === undefined ? null : parseNumber(m[2]);
  const bit = Number(m[4] ?? m[5]);
  if (leaf === null || (m[2] !== undefined && subleaf === null) || !(bit >= 0 && bit < 32)) return null;
  if (leaf > 0xffffffff || (subleaf !== null && subleaf > 0xffffffff)) return null;
  return { leaf, subleaf, reg: m[3]!.toLowerCase() as Reg, bit };
}

export function bitMask(bits: readonly [number, number]): number {
  const [lo, hi] = bits;
  const width = hi - lo + 1;
  return width >= 32 ? 0xffffffff : (((1 << width) - 1) << lo) >>> 0;
}

export function extractField(value: number, bits: readonly [number, number]): number {
  const [lo, hi] = bits;
  const width = hi - lo + 1;
  if (width >= 32) return value >>> 0;
  return ((value >>> lo) & ((1 << width) - 1)) >>> 0;
}

/** Indices of the set bits of a 32-bit mask, ascending. */
export function bitsOf(mask: number): number[] {
  const out: number[] = [];
  let m = mask >>> 0;
  while (m !== 0) {
    const b = 31 - Math.clz32(m & -m);
    out.push(b);
    m = (m & (m - 1)) >>> 0;
  }
  return out;
}

/** Set bit positions of a 64-bit mask (ATTRIBUTES, XFAM), ascending. */
export function bits64(mask: bigint): number[] {
  const out = bitsOf(Number(mask & 0xffffffffn));
  for (const b of bitsOf(Number((mask >> 32n) & 0xffffffffn))) out.push(b + 32);
  return out;
}

export function popcount(mask: number): number {
  let m = mask >>> 0;
  let n = 0;
  while (m) {
    m &= m - 1;
    n++;
  }
  return n;
}
