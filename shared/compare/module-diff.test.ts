import { describe, expect, it } from 'vitest';
import { UnknownModuleError, moduleDiff } from './module-diff';

const at = (d: ReturnType<typeof moduleDiff>, leaf: number, subleaf: number | null, reg: string, bit: number) =>
  d.changes.find((c) => c.leaf === leaf && c.subleaf === subleaf && c.reg === reg && c.bit === bit);

describe('module-diff', () => {
  it('1.5.08 -> 1.5.09: the #VE-reduction generation (tdx-module-versions.md)', () => {
    const d = moduleDiff('1.5.08', '1.5.09');
    // MCE, MTRR, MCA and CORE_CAPABILITIES move from native-verified to configurable.
    for (const [leaf, sub, reg, bit] of [[1, null, 'edx', 7], [1, null, 'edx', 12], [1, null, 'edx', 14], [7, 0, 'edx', 30]] as const) {
      expect(at(d, leaf, sub, reg, bit)).toMatchObject({ from: { class: 'NATIVE_VERIFIED_1' }, to: { class: 'CONFIG_AND_NATIVE' } });
    }
    // Leaf 6 is no longer faulting: ARAT fixed1, the rest fixed0.
    expect(at(d, 6, null, 'eax', 2)).toMatchObject({ name: 'arat', from: { class: 'FAULTING' }, to: { class: 'FIXED1' } });
    expect(at(d, 6, null, 'eax', 0)).toMatchObject({ from: { class: 'FAULTING' }, to: { class: 'FIXED0' } });
    // Leaf 0x18 appears; EDX[25:14] is config_direct.
    expect(at(d, 0x18, 0, 'edx', 20)).toMatchObject({ from: { class: 'ABSENT' }, to: { class: 'CONFIG_DIRECT' } });
    expect(d.configurableAdded).toEqual([{ leaf: 0x19, subleaf: null }, ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((s) => ({ leaf: 0x18, subleaf: s }))]);
    // Consecutive bits with the same change form one range.
    expect(d.ranges.find((r) => r.leaf === 0x18 && r.subleaf === 0 && r.reg === 'edx' && r.to.class === 'CONFIG_DIRECT')!.bits).toEqual([14, 25]);
  });

  it('1.5.13 -> 1.5.16: PREFETCHI becomes configurable; 1.5.09 -> 1.5.13: no change', () => {
    const d = moduleDiff('1.5.13', '1.5.16');
    expect(d.changes).toHaveLength(1);
    expect(d.changes[0]).toMatchObject({ leaf: 7, subleaf: 1, reg: 'edx', bit: 14, from: { class: 'FIXED0' }, to: { class: 'CONFIG_AND_NATIVE' } });
    expect(moduleDiff('1.5.09', '1.5.13').changes).toEqual([]);
  });

  it('2.0.05 -> 2.0.08: SHA512/SM3/SM4/RAO-INT configurable, and SHA512 gains the XFAM[5..7] gate', () => {
    const d = moduleDiff('2.0.05', '2.0.08');
    for (const bit of [1, 2, 3]) expect(at(d, 7, 1, 'eax', bit)).toMatchObject({ from: { class: 'FIXED0', gates: [] }, to: { class: 'CONFIG_AND_NATIVE', gates: [] } });
    expect(at(d, 7, 1, 'eax', 0)).toMatchObject({ to: { class: 'CONFIG_AND_NATIVE', gates: ['XFAM:5', 'XFAM:6', 'XFAM:7'] } });
  });

  it('flags versions it has no table for, and refuses non-versions', () => {
    const d = moduleDiff('1.5.07', '1.5.06');
    expect(d.from).toEqual({ requested: '1.5.07', table: '1.5.06', exact: false });
    expect(d.changes).toEqual([]);
    expect(() => moduleDiff('one', '1.5.06')).toThrow(UnknownModuleError);
  });
});
