// Rules that compare layers: kvm-view-mismatch (S against T on the bits KVM depends on),
// prediction-mismatch (captured T, C, K against the prediction), guest-differs (G against T,
// with #VE, #VE reduction and /proc/cpuinfo masking explained), ve-leaf, guest-controlled.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CpuidDump } from '../../shared/model/dump';
import { finishDump } from '../../shared/model/build-dump';
import { CpuidTable } from '../../shared/model/cpuid-table';
import type { ContextOptions } from '../../shared/engine/types';
import { analyze } from '../../shared/engine/reconcile';
import { allBitEntries } from '../../shared/knowledge/bits';
import { parseInput } from '../../shared/formats/registry';
import { corpusDump } from './engine-corpus';
import { bitKeys, capsCapture, findings, inputs, kvmEntries, kvmInput, run } from './rules-helpers';

const SPR_05 = 'aida64_instlatx64/GenuineIntel00806F8_SapphireRapids_05_CPUID.txt';
let spr: CpuidDump;
beforeAll(async () => {
  spr = await corpusDump(SPR_05);
});

/** The TD's CPUID the engine predicts, as a KVM list, with a change applied. */
function tdEntries(options: ContextOptions, change: (e: { leaf: number; subleaf: number | null; eax: number; ebx: number; ecx: number; edx: number }) => typeof e = (e) => e) {
  return kvmEntries(run(spr, options).predicted.td.map(change));
}

/** The guest view the engine predicts, as a `cpuid -r`-style dump taken inside the TD. */
function guestDump(options: ContextOptions, change: (e: { leaf: number; subleaf: number | null; eax: number; ebx: number; ecx: number; edx: number }) => typeof e = (e) => e): CpuidDump {
  const a = analyze(inputs(spr), options);
  const table = CpuidTable.fromEntries(a.state.predicted.guest.layer.toEntries().map(change));
  return finishDump({ format: 'cpuid-r', name: 'guest-cpuid.txt', valueKind: 'values', cpus: [{ id: 0, table }] });
}

describe('kvm-view-mismatch', () => {
  it("PDCM: QEMU's KVM_SET_CPUID2 (pmu=off) has 0, the TD has 1", () => {
    const f = findings(run(spr, { module: '1.5.06' }), 'kvm-view-mismatch');
    expect(f.map(bitKeys)).toEqual([['1.-.ecx.15']]);
    expect(f[0]!.severity).toBe('warning');
    expect(f[0]!.message).toMatch(/^1\.ECX\[15\] PDCM: KVM_SET_CPUID2 as QEMU would build it has 0, the TD \(module 1\.5\.06\) has 1\. KVM emulates IA32_PERF_CAPABILITIES according to it/);
  });

  it('a captured KVM_SET_CPUID2 without X2APIC', () => {
    const set = tdEntries({ module: '1.5.06' }, (e) => (e.leaf === 1 ? { ...e, ecx: e.ecx & ~(1 << 21) } : e));
    const f = findings(run(spr, { module: '1.5.06' }, { kvm: [kvmInput({ setCpuid: set })] }), 'kvm-view-mismatch');
    expect(f.map(bitKeys)).toEqual([['1.-.ecx.21']]);
    expect(f[0]!.message).toMatch(/the captured KVM_SET_CPUID2 has 0, the TD \(module 1\.5\.06\) has 1\. KVM's x2APIC MSR emulation follows it/);
  });

  it('does not fire when KVM_SET_CPUID2 equals the TD on every KVM-relevant bit', () => {
    const set = tdEntries({ module: '1.5.06' });
    expect(findings(run(spr, { module: '1.5.06' }, { kvm: [kvmInput({ setCpuid: set })] }), 'kvm-view-mismatch')).toEqual([]);
  });
});

describe('prediction-mismatch', () => {
  it('a captured TD without AVX512F: the bit and both values named', () => {
    const td = tdEntries({ module: '1.5.06' }, (e) => (e.leaf === 7 && e.subleaf === 0 ? { ...e, ebx: e.ebx & ~(1 << 16) } : e));
    const f = findings(run(spr, { module: '1.5.06' }, { kvm: [kvmInput({ tdCpuid: td })] }), 'prediction-mismatch');
    expect(f).toHaveLength(1);
    expect(f[0]!.bits).toEqual([{ leaf: 7, subleaf: 0, reg: 'ebx', bit: 16 }]);
    expect(f[0]!.message).toMatch(/^The captured TD CPUID \(KVM_TDX_GET_CPUID\) differs from the prediction for module 1\.5\.06, kernel 6\.16: 1 bit\(s\) differ: 7\.0\.EBX\[16\] AVX512F \(captured 0, predicted 1\)\. Wrong module\/kernel version assumed \(check dmesg\), or a module\/KVM bug\./);
  });

  it('capabilities captured with another module name the versions that predict them exactly', () => {
    const f = findings(run(spr, { module: '1.5.06' }, { kvm: [capsCapture(spr, '1.5.09')] }), 'prediction-mismatch');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/^The captured KVM_TDX_CAPABILITIES differs from the prediction for module 1\.5\.06/);
    expect(f[0]!.message).toMatch(/1\.EDX\[7\] MCE \(captured 1, predicted 0\)/);
    expect(f[0]!.message).toMatch(/The capture matches exactly the prediction for module 1\.5\.09, .*: the host runs one of these modules, not 1\.5\.06\./);
  });

  it('a captured KVM_GET_SUPPORTED_CPUID that differs is an info (kernel configuration)', () => {
    const base = analyze(inputs(spr), { module: '1.5.06' }).state.predicted.kvmSupported.layer.toEntries();
    const k = kvmEntries(base.map((e) => (e.leaf === 7 && e.subleaf === 0 ? { ...e, ecx: e.ecx & ~(1 << 14) } : e)));
    const f = findings(run(spr, { module: '1.5.06' }, { kvm: [kvmInput({ kvmSupported: k })] }), 'prediction-mismatch');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('info');
    expect(f[0]!.message).toMatch(/KVM_GET_SUPPORTED_CPUID differs .*7\.0\.ECX\[14\] AVX512_VPOPCNTDQ \(captured 0, predicted 1\)/);
  });

  it('does not fire for captures equal to the prediction', () => {
    const kvm = [kvmInput({ tdCpuid: tdEntries({ module: '1.5.06' }) }), capsCapture(spr, '1.5.06')];
    expect(findings(run(spr, { module: '1.5.06' }, { kvm }), 'prediction-mismatch')).toEqual([]);
  });
});

describe('guest-differs', () => {
  it('a guest dump without AVX512F: unexplained difference (warning)', () => {
    const guest = guestDump({ module: '1.5.06' }, (e) => (e.leaf === 7 && e.subleaf === 0 ? { ...e, ebx: e.ebx & ~(1 << 16) } : e));
    const f = findings(run(spr, { module: '1.5.06' }, { guest }), 'guest-differs').filter((x) => x.severity === 'warning');
    expect(f).toHaveLength(1);
    expect(f[0]!.bits).toEqual([{ leaf: 7, subleaf: 0, reg: 'ebx', bit: 16 }]);
    expect(f[0]!.message).toMatch(/neither #VE, #VE reduction nor guest kernel masking explain: 7\.0\.EBX\[16\] AVX512F \(guest 0, TD 1\)/);
  });

  it('module 2.0.18: leaf 6 raises #VE without REDUCE_VE, so the guest reads ARAT as 0 (explained, info)', () => {
    const guest = guestDump({ module: '2.0.18' });
    const f = findings(run(spr, { module: '2.0.18' }, { guest }), 'guest-differs');
    expect(f.map((x) => x.severity)).toEqual(['info']);
    expect(f[0]!.bits).toContainEqual({ leaf: 6, subleaf: null, reg: 'eax', bit: 2 });
    expect(f[0]!.message).toMatch(/The guest reads zeros in leaves that raise #VE for it, where the TD's CPUID predicted for module 2\.0\.18 has data: leaf 2, 6, .*6\.EAX\[2\] ARAT \(guest 0, TD 1\)/);
  });

  it('a guest that enabled #VE reduction cleared TSC_DEADLINE etc.: guest-controlled (info)', () => {
    const guest = guestDump({ module: '2.0.18', guestReduceVe: true });
    const f = findings(run(spr, { module: '2.0.18' }, { guest }), 'guest-differs');
    const ctl = f.find((x) => /may control itself/.test(x.message))!;
    expect(ctl.severity).toBe('info');
    expect(ctl.bits).toContainEqual({ leaf: 1, subleaf: null, reg: 'ecx', bit: 24 });
    // It also reads leaf 6, which a guest without REDUCE_VE cannot.
    expect(f.some((x) => /The guest reads data in leaves that raise #VE/.test(x.message) || /leaves that raise #VE/.test(x.message))).toBe(true);
  });

  it('/proc/cpuinfo of the guest hides flags: guest kernel masking (info)', () => {
    const td = run(spr, { module: '1.5.06' });
    const on = new Set(td.bits.filter((b) => b.values.guest === 1).map((b) => `${b.leaf}:${b.subleaf ?? '-'}:${b.reg}:${b.bit}`));
    const flags = allBitEntries()
      .filter((e) => e.proc && e.kind === 'bit' && on.has(`${e.leaf}:${Array.isArray(e.subleaf) ? e.subleaf[0] : (e.subleaf ?? '-')}:${e.reg}:${e.bits[0]}`))
      .map((e) => e.proc!)
      .filter((p) => p !== 'pdcm');
    const text = ['processor\t: 0', 'vendor_id\t: GenuineIntel', 'cpu family\t: 6', 'model\t\t: 143', 'model name\t: Intel(R) Xeon(R) w7-2475X', 'stepping\t: 8', `flags\t\t: ${[...flags, 'tdx_guest'].join(' ')}`, ''].join('\n');
    const guest = parseInput(text, 'guest-proc-cpuinfo.txt', 'proc-cpuinfo').parsed as CpuidDump;
    const f = findings(run(spr, { module: '1.5.06' }, { guest }), 'guest-differs');
    expect(f.every((x) => x.severity === 'info')).toBe(true);
    const masked = f.find((x) => /\/proc\/cpuinfo/.test(x.message))!;
    expect(masked.bits).toEqual([{ leaf: 1, subleaf: null, reg: 'ecx', bit: 15 }]);
    expect(masked.message).toMatch(/\/proc\/cpuinfo in the guest does not list features the TD has: 1\.ECX\[15\] PDCM \(guest 0, TD 1\)/);
  });

  it("does not fire for a guest that reads the TD's CPUID as the module stores it, nor without a guest dump", () => {
    const table = CpuidTable.fromEntries(run(spr, { module: '1.5.06' }).predicted.td);
    const guest = finishDump({ format: 'cpuid-r', name: 'guest-cpuid.txt', valueKind: 'values', cpus: [{ id: 0, table }] });
    expect(findings(run(spr, { module: '1.5.06' }, { guest }), 'guest-differs')).toEqual([]);
    expect(findings(run(spr, { module: '1.5.06' }), 'guest-differs')).toEqual([]);
  });
});

describe('ve-leaf', () => {
  it('module 1.5.06: leaf 6 faults, so the guest has no ARAT; the brand string reads zeros (info)', () => {
    const f = findings(run(spr, { module: '1.5.06' }), 've-leaf');
    const leaf6 = f.find((x) => /CPUID leaf 6, thermal and power management/.test(x.message))!;
    expect(leaf6.severity).toBe('info');
    expect(leaf6.bits).toContainEqual({ leaf: 6, subleaf: null, reg: 'eax', bit: 2 });
    expect(leaf6.message).toMatch(/raises #VE in the guest \(faulting in this module\), so a Linux guest reads zeros: the guest sees no ARAT/);
    expect(f.some((x) => /0x80000002 .*the processor brand string/.test(x.message))).toBe(true);
  });

  it('-cpu host,+arat asks for ARAT explicitly in a faulting leaf (warning)', () => {
    const leaf6 = findings(run(spr, { module: '1.5.06', cpu: 'host,+arat' }), 've-leaf').find((x) => /leaf 6/.test(x.message))!;
    expect(leaf6.severity).toBe('warning');
    expect(leaf6.message).toMatch(/-cpu host,\+arat explicitly asks for 6\.EAX\[2\] ARAT, which the guest will not see/);
  });

  it('does not report leaf 6 for a 2.0.18 guest with #VE reduction', () => {
    const f = findings(run(spr, { module: '2.0.18', guestReduceVe: true }), 've-leaf');
    expect(f.some((x) => /leaf 6/.test(x.message))).toBe(false);
  });
});

describe('guest-controlled', () => {
  it('module 1.5.09+: bits a REDUCE_VE guest may clear itself', () => {
    const f = findings(run(spr, { module: '1.5.09' }), 'guest-controlled');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('info');
    expect(f[0]!.bits).toContainEqual({ leaf: 1, subleaf: null, reg: 'ecx', bit: 24 });
    expect(f[0]!.message).toMatch(/With module 1\.5\.09 a guest that enables #VE reduction may clear these bits at run time: 1\.ECX\[24\] TSC_DEADLINE_TIMER/);
  });

  it('module 1.5.06 has no #VE reduction', () => {
    expect(findings(run(spr, { module: '1.5.06' }), 'guest-controlled')).toEqual([]);
  });
});
