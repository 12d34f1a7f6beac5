// Which leaves take a sub-leaf in ECX. Dump formats often cannot say (etallen prints
// `0x00` for every leaf, AIDA64 omits tags on older dumps), so the model decides per
// leaf: known indexed leaves, plus any leaf for which a dump shows a sub-leaf > 0.
// Sources: Intel SDM vol. 2A CPUID; AMD APM vol. 3; KVM's list of functions flagged
// KVM_CPUID_FLAG_SIGNIFCANT_INDEX (arch/x86/kvm/cpuid.c); TDX module lookup tables
// (entries whose sub-leaf is not 0xffffffff).

export const INDEXED_LEAVES: ReadonlySet<number> = new Set([
  0x4, 0x7, 0xb, 0xd, 0xf, 0x10, 0x12, 0x14, 0x17, 0x18, 0x1b, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x23, 0x24,
  0x8000001d, 0x80000020, 0x80000026,
]);

/** INDEXED_LEAVES below 0x40 as a lookup array (the readers ask once per register line). */
const BASIC_INDEXED = new Uint8Array(0x40);
for (const l of INDEXED_LEAVES) if (l < 0x40) BASIC_INDEXED[l] = 1;

export function isIndexedLeaf(leaf: number): boolean {
  return leaf >= 0 && leaf < 0x40 ? BASIC_INDEXED[leaf] === 1 : INDEXED_LEAVES.has(leaf);
}

export type LeafRange = 'basic' | 'hypervisor' | 'extended' | 'other';

export function leafRange(leaf: number): LeafRange {
  if (leaf < 0x40000000) return leaf < 0x20000000 ? 'basic' : 'other';
  if (leaf <= 0x4fffffff) return 'hypervisor';
  if (leaf >= 0x80000000 && leaf <= 0x8fffffff) return 'extended';
  return 'other';
}
