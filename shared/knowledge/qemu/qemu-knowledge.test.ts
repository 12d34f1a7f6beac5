import { describe, expect, it } from 'vitest';
import { DEFAULT_QEMU_VERSION, qemuFeatureByName, qemuFeatureName, qemuFeatureWord, qemuLegacyLookup, qemuV6PocTables, resolveQemu } from './qemu-knowledge';

describe('QEMU knowledge', () => {
  it('names feature bits the way -cpu does', () => {
    expect(qemuFeatureByName('avx512f')).toEqual({ leaf: 7, subleaf: 0, reg: 'ebx', bit: 16 });
    expect(qemuFeatureByName('sse4.1')).toEqual({ leaf: 1, subleaf: null, reg: 'ecx', bit: 19 });
    expect(qemuFeatureByName('sse4_1')).toEqual({ leaf: 1, subleaf: null, reg: 'ecx', bit: 19 });
    expect(qemuFeatureByName('pks')).toEqual({ leaf: 7, subleaf: 0, reg: 'ecx', bit: 31 });
    expect(qemuFeatureName(0x80000007, null, 'edx', 8)).toBe('invtsc');
    expect(qemuFeatureByName('no-such-feature')).toBeUndefined();
  });

  it('marks what -cpu host can enable: named, migratable bits', () => {
    const w = qemuFeatureWord(7, 0, 'ecx')!;
    expect(w.migratable & (1 << 4)).toBe(0); // OSPKE has no name
    expect(w.migratable & (1 << 31)).not.toBe(0); // pks
    expect(qemuFeatureWord(0x80000007, null, 'edx')!.migratable).toBe(0); // invtsc is unmigratable
    expect(qemuFeatureWord(0xd, 0, 'eax')!.migratable).toBe(0x2ff);
  });

  it('has the upstream TDX tables per version', () => {
    expect(DEFAULT_QEMU_VERSION).toBe('11.0');
    const t = resolveQemu('10.1')!.tables;
    expect(t.fixed1).toHaveLength(12); // registers of the 8 fixed1 entries
    expect(t.fixed1.find((f) => f.leaf === 6)).toMatchObject({ subleaf: null, reg: 'eax', mask: 4 });
    expect(t.pvFeatures).toBe(0xba82);
    expect(t.supportedTdAttrs).toBe(0x8000000050000000n);
    expect(t.defaultAttributes).toBe(0x10000000n);
    expect(t.attrsMap.map((a) => [a.attrBit, a.name])).toEqual([
      [27, 'LASS'],
      [30, 'PKS'],
      [31, 'KL'],
    ]);
    // The CET rows of the XFAM map arrived after 10.1.
    expect(t.xfamDeps.some((d) => d.xfamBit === 11)).toBe(false);
    expect(resolveQemu('11.0')!.tables.xfamDeps.some((d) => d.xfamBit === 11)).toBe(true);
    expect(resolveQemu('11.0')!.tables.version.xssMask).toBe(0x9800n);
  });

  it('resolves versions: nearest older, and flags pre-upstream and newer ones', () => {
    expect(resolveQemu('10.2.1')).toMatchObject({ exact: false, tables: { version: { version: '10.1' } } });
    expect(resolveQemu('11.0.0')).toMatchObject({ exact: true });
    expect(resolveQemu('12.1')).toMatchObject({ newer: true });
    expect(resolveQemu('8.2')!.reason).toMatch(/predates upstream TDX support/);
    expect(resolveQemu('qemu')).toBeNull();
  });

  it('keeps the pre-upstream tables', () => {
    const legacy = qemuLegacyLookup();
    expect(legacy.find((w) => w.word === 'FEAT_7_0_EBX')).toMatchObject({ fixed0: 0x4006, fixed1: 0x21940801 });
    expect(legacy.find((w) => w.word === 'FEAT_KVM')).toMatchObject({ supportedOnVe: 0xba82 });
    expect(qemuV6PocTables().fixed0.length).toBeGreaterThan(0);
  });
});
