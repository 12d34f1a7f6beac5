import { describe, expect, it } from 'vitest';
import { kvmKnowledge, kvmVersions, resolveKernel } from './kvm-knowledge';

describe('KVM knowledge', () => {
  it('holds the kernels 6.6 .. 7.0', () => {
    expect(kvmVersions()).toEqual(['6.6.0', '6.6.150', '6.12.0', '6.12.94', '6.16.1', '6.18.2', '6.18.9', '6.19.0', '7.0.0']);
  });

  it('picks a table for a kernel release', () => {
    expect(resolveKernel('6.16')).toMatchObject({ exact: false, newer: false, kvm: { version: '6.16.1' } });
    expect(resolveKernel('6.16.1')).toMatchObject({ exact: true });
    expect(resolveKernel('6.8.0-45-generic')!.kvm.version).toBe('6.6.150');
    expect(resolveKernel('6.12.50')!.kvm.version).toBe('6.12.0');
    const newer = resolveKernel('7.1.0')!;
    expect(newer).toMatchObject({ newer: true, kvm: { version: '7.0.0' } });
    expect(resolveKernel('5.15')!.kvm.version).toBe('6.6.0');
    expect(resolveKernel('linux')).toBeNull();
  });

  it('knows the TDX capabilities ABI: upstream from 6.16, legacy before', () => {
    expect(kvmKnowledge('6.12.94')!.tdx.abi).toBe('legacy');
    const k = kvmKnowledge('6.16.1')!;
    expect(k.tdx.abi).toBe('6.16');
    expect(k.tdx.supportedAttrs).toBe(1n << 28n);
    // HLE|RTM in 7.0.EBX, WAITPKG in 7.0.ECX.
    expect(k.tdx.clears).toEqual([
      [7, 0, 'ebx', 0x810],
      [7, 0, 'ecx', 0x20],
    ]);
  });

  it('describes feature words with pass-through masks and names', () => {
    const k = kvmKnowledge('6.16.1')!;
    const w = k.word(7, 0, 'ebx')!;
    expect(w.name).toBe('CPUID_7_0_EBX');
    expect(w.passthrough & (1 << 16)).not.toBe(0); // AVX512F passes through
    expect(w.bits.get(16)).toEqual({ name: 'AVX512F', kind: 'F' });
    expect(k.featureBit('AVX512F')).toEqual({ leaf: 7, subleaf: 0, reg: 'ebx', bit: 16 });
    expect(k.supportedXcr0).toBe(0x602ffn);
    expect(k.supportedXss).toBeNull();
    expect(kvmKnowledge('6.18.2')!.supportedXss).toBe(0x1800n);
  });
});
