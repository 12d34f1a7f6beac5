import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kvmJson } from './kvm-json';
import { kvmSelftestLog } from './kvm-selftest-log';
import { kvmCpuidEntries } from './kvm-cpuid-entries';
import { qmp } from './qmp';
import { FormatError } from '../model/errors';

const fx = (f: string): string => readFileSync(`test/fixtures/ingest/${f}`, 'utf8');

function formatError(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('KVM capture JSON', () => {
  it('reads every layer of a 6.16 capture, hex strings and integers alike', () => {
    const text = fx('kvm-capture-6.16.json');
    expect(kvmJson.detect(text)).toMatchObject({ confidence: 1 });
    const k = kvmJson.parse(text, 'kvm.json');
    expect(k.kernel).toBe('6.16.0-rc7');
    expect(k.kvmSupported).toHaveLength(4);
    expect(k.kvmSupported![1]).toEqual({ function: 1, index: 0, flags: 0, eax: 0x806f8, ebx: 0x800, ecx: 0xf7fa3223, edx: 0x178bfbff });
    expect(k.tdxCaps).toMatchObject({ abi: '6.16', supportedAttrs: 0x10000000n, supportedXfam: 0x61ae7n });
    expect(k.tdxCaps!.cpuid.map((e) => e.function)).toEqual([1, 7, 0x80000008]);
    expect(k.initVm).toMatchObject({ attributes: 0x10000000n, xfam: 0x61ae7n });
    expect(k.captureNotes).toHaveLength(1);
    expect(k.tdCpuid).toBeUndefined();
  });

  it('reads a bare pre-upstream capabilities object: sub_leaf 0xffffffff becomes index 0, flags 0', () => {
    const k = kvmJson.parse(fx('kvm-capture-legacy-caps.json'), 'legacy.json');
    expect(k.tdxCaps).toMatchObject({ abi: 'legacy', supportedAttrs: 0xd0000001n, attrsFixed1: 0n, supportedXfam: 0x618ffn, xfamFixed1: 3n, supportedGpaw: 3 });
    expect(k.tdxCaps!.cpuid[1]).toMatchObject({ function: 0x80000008, index: 0, flags: 0, eax: 0xff0000 });
    expect(k.tdxCaps!.cpuid[0]).toMatchObject({ function: 7, index: 0, flags: 1, ecx: 2 });
  });

  it('names the line of a schema error and of a syntax error', () => {
    const bad = fx('kvm-capture-6.16.json').replace('"supported_xfam": "0x61ae7"', '"supported_xfam": "0xZZ"');
    const e = formatError(() => kvmJson.parse(bad, 'bad.json'));
    expect(e.line).toBe(18);
    expect(e.message).toMatch(/tdx_capabilities/);
    const e2 = formatError(() => kvmJson.parse('{\n "schema": "tdx-cpuid/kvm/v1",\n "kernel": 6.16\n', 'cut.json'));
    expect(e2.line).toBeGreaterThan(0);
  });
});

describe('KVM selftest log', () => {
  it('reads the 6.16 shape', () => {
    const text = fx('kvm-selftest-6.16.log');
    expect(kvmSelftestLog.detect(text)!.reason).toMatch(/6\.16 ABI\): 6 cpuid config lines/);
    const k = kvmSelftestLog.parse(text, 's.log');
    expect(k.tdxCaps).toMatchObject({ abi: '6.16', supportedAttrs: 0x10000000n, supportedXfam: 0x61ae7n });
    expect(k.tdxCaps!.cpuid).toHaveLength(6);
    expect(k.tdxCaps!.cpuid[2]).toMatchObject({ function: 7, index: 1, eax: 0x1c30 });
  });
  it('reads the pre-upstream shape with fixed0/fixed1, GPAW and sub_leaf 0xffffffff', () => {
    const k = kvmSelftestLog.parse(fx('kvm-selftest-legacy.log'), 'l.log');
    expect(k.tdxCaps).toMatchObject({ abi: 'legacy', supportedAttrs: 0xd0000001n, attrsFixed1: 0n, supportedXfam: 0x618ffn, xfamFixed1: 3n, supportedGpaw: 3 });
    expect(k.tdxCaps!.cpuid[2]).toMatchObject({ function: 0x80000008, index: 0, flags: 0 });
  });
  it('refuses a broken config line with its line number', () => {
    const e = formatError(() => kvmSelftestLog.parse('tdx_cap: supported_attrs: 0x1\ncpuid config[0]: leaf 0x1 sub_leaf\n', 'b.log'));
    expect(e.line).toBe(2);
  });
});

describe('KVM CPUID Entries table', () => {
  it('reads the quoted LKML table as KVM_GET_SUPPORTED_CPUID, marking multi-index leaves significant', () => {
    const text = fx('kvm-cpuid-entries-lkml.txt');
    expect(kvmCpuidEntries.detect(text)!.reason).toBe('"KVM CPUID Entries" table: 6 entries');
    const k = kvmCpuidEntries.parse(text, 'mail.txt');
    expect(k.kvmSupported).toHaveLength(6);
    expect(k.kvmSupported![0]).toMatchObject({ function: 0, eax: 0xb, ebx: 0x756e6547 });
    expect(k.kvmSupported![3]).toMatchObject({ function: 0xd, index: 0, flags: 1 });
    expect(k.kvmSupported![5]).toMatchObject({ function: 0x80000000, flags: 0 });
  });
  it('leaves heading-less rows to the cpuid -r reader', () => {
    expect(kvmCpuidEntries.detect('CPU 0:\n   0x00000000 0x00: eax=0x00000020 ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69\n')).toBeNull();
  });
  it('feeds T and S from KVM_TDX_GET_CPUID / KVM_SET_CPUID2 headings', () => {
    const k = kvmCpuidEntries.parse(
      'KVM_TDX_GET_CPUID:\n 0x00000001 0x00: eax=0x000806f8 ebx=0x00000800 ecx=0xfffa3223 edx=0x1f8bfbff\nKVM_SET_CPUID2:\n 0x00000001 0x00: eax=0x000806f8 ebx=0x00000800 ecx=0xfffa3223 edx=0x1f8bfbff\n',
      'x.txt',
    );
    expect(k.tdCpuid).toHaveLength(1);
    expect(k.setCpuid).toHaveLength(1);
    expect(k.kvmSupported).toBeUndefined();
  });
});

describe('QMP replies', () => {
  it('reads feature-words and filtered-features labelled by the qom-get commands', () => {
    const k = qmp.parse(fx('qmp-libvirt-style.json'), 'qmp.json');
    expect(k.setCpuid).toHaveLength(3);
    expect(k.setCpuid![0]).toMatchObject({ function: 1, edx: 395049983, ecx: 4160369187 });
    expect(k.setCpuid![1]).toMatchObject({ function: 7, index: 0, flags: 1, ebx: 4055836587 });
    expect(k.knownRegs).toContainEqual({ leaf: 0x80000007, subleaf: null, reg: 'edx' });
    expect(k.qmp!.filteredFeatures).toEqual([{ leaf: 7, subleaf: 0, reg: 'ebx', bit: 25 }]);
  });
  it('reads a model expansion followed by other replies', () => {
    const k = qmp.parse(fx('qmp-model-expansion.json'), 'm.json');
    expect(k.qmp).toMatchObject({ modelName: 'max', modelProps: { avx512f: true, 'intel-pt': false } });
    expect(k.setCpuid).toBeUndefined();
  });
});
