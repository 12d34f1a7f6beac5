// Rules about the TD configuration, checked before anything runs (shared/engine/preflight.ts):
// config-not-configurable (TDH.MNG.INIT 0xC000010000000045, naming the bit; decoding the
// status from dmesg and the QEMU log), kvm-rejects-config, attrs-or-xfam-unsupported,
// tsc-frequency, named-cpu-model; and pre-flight against the pipeline's own verdict.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CpuidDump } from '../../shared/model/dump';
import { runPipeline } from '../../shared/engine/pipeline';
import { preflight, preflightInputs } from '../../shared/engine/preflight';
import { moduleVersions } from '../../shared/knowledge/tdx-module/module-table';
import { TDX_XEONS, corpusDump } from './engine-corpus';
import { capsCapture, dmesg, findings, initVmCapture, inputs, qemuLog, run } from './rules-helpers';

const SPR_05 = 'aida64_instlatx64/GenuineIntel00806F8_SapphireRapids_05_CPUID.txt';
let spr: CpuidDump;
beforeAll(async () => {
  spr = await corpusDump(SPR_05);
});

describe('config-not-configurable', () => {
  it('capabilities of module 1.5.09 used with module 1.5.06: TDH.MNG.INIT would fail with 0xC000010000000045, and the finding names MCE, MTRR, MCA', () => {
    // From 1.5.09 MCE, MTRR and MCA (1.EDX[7,12,14]) are configurable; 1.5.06 only verifies them.
    // QEMU masks its model with the capabilities it was given, so it configures them.
    const r = run(spr, { module: '1.5.06' }, { kvm: [capsCapture(spr, '1.5.09')] });
    expect(r.predicted.status.tdInitError).toBe('0xC000010000000045');
    const f = findings(r, 'config-not-configurable');
    const leaf1 = f.find((x) => x.bits.some((b) => b.leaf === 1))!;
    expect(leaf1.severity).toBe('error');
    expect(leaf1.bits).toEqual([
      { leaf: 1, subleaf: null, reg: 'edx', bit: 7 },
      { leaf: 1, subleaf: null, reg: 'edx', bit: 12 },
      { leaf: 1, subleaf: null, reg: 'edx', bit: 14 },
    ]);
    expect(leaf1.message).toMatch(
      /^TDH\.MNG\.INIT fails with 0xC000010000000045 \(TDX_OPERAND_INVALID, operand CPUID_CONFIG\): QEMU's configuration \(masked with the captured KVM_TDX_CAPABILITIES\) sets 1\.EDX\[7\] MCE, 1\.EDX\[12\] MTRR and 1\.EDX\[14\] MCA, which module 1\.5\.06 does not let the VMM configure/,
    );
    expect(leaf1.message).toMatch(/configurable in module 1\.5\.09, /);
    // CORE_CAPABILITIES (7.0.EDX[30]) likewise.
    expect(f.some((x) => x.bits.some((b) => b.leaf === 7 && b.reg === 'edx' && b.bit === 30))).toBe(true);
  });

  it('a captured INIT_VM payload setting TSC_ADJUST (fixed0) names 7.0.EBX[1]', () => {
    const kvm = initVmCapture(spr, '1.5.06', (e) => (e.function === 7 && e.index === 0 ? { ...e, ebx: e.ebx | 0x2 } : e));
    const f = findings(run(spr, { module: '1.5.06' }, { kvm: [kvm] }), 'config-not-configurable');
    expect(f).toHaveLength(1);
    expect(f[0]!.bits).toEqual([{ leaf: 7, subleaf: 0, reg: 'ebx', bit: 1 }]);
    expect(f[0]!.message).toMatch(/the captured KVM_TDX_INIT_VM payload sets 7\.0\.EBX\[1\] TSC_ADJUST/);
    expect(f[0]!.message).toMatch(/No known module version lets the VMM configure/);
  });

  it('without a host dump, a captured payload is still checked against the module masks', () => {
    const kvm = initVmCapture(spr, '1.5.06', (e) => (e.function === 7 && e.index === 0 ? { ...e, ebx: e.ebx | 0x2 } : e));
    const f = findings(run(null, { module: '1.5.06' }, { kvm: [kvm] }), 'config-not-configurable');
    expect(f.map((x) => x.bits)).toEqual([[{ leaf: 7, subleaf: 0, reg: 'ebx', bit: 1 }]]);
  });

  it('decodes the status in dmesg (RCX = leaf 1) and in the QEMU log into the bits that caused it', () => {
    const r = run(
      spr,
      { module: '1.5.06' },
      {
        kvm: [capsCapture(spr, '1.5.09')],
        dmesg: dmesg('[ 4242.1] kvm_intel: SEAMCALL TDH_MNG_INIT failed: 0xc000010000000045, rcx 0xffffffff00000001'),
        qemuLog: qemuLog('qemu-system-x86_64: TDX ioctl KVM_TDX_INIT_VM failed, hw_errors: 0xc000010000000045: Invalid argument'),
      },
    );
    const f = findings(r, 'config-not-configurable');
    const fromDmesg = f.find((x) => x.message.startsWith('dmesg.txt line 1'))!;
    expect(fromDmesg.message).toMatch(/TDH_MNG_INIT failed with 0xC000010000000045 = TDX_OPERAND_INVALID, operand 0x45 CPUID_CONFIG/);
    expect(fromDmesg.message).toMatch(/RCX = 1: the check failed on CPUID leaf 1\./);
    expect(fromDmesg.bits.map((b) => b.bit)).toEqual([7, 12, 14]);
    const fromLog = f.find((x) => x.message.startsWith('qemu.log line 1'))!;
    expect(fromLog.message).toMatch(/KVM_TDX_INIT_VM failed with 0xC000010000000045/);
    // Without RCX every offending leaf counts: leaf 1 and leaf 7.
    expect(fromLog.bits.some((b) => b.leaf === 7)).toBe(true);
  });

  it('an observed failure the prediction does not explain: the bits another module version would accept are named', () => {
    // dmesg says TDH.MNG.INIT rejected leaf 1; with 1.5.06 the predicted configuration passes,
    // but QEMU asks for MCE/MTRR/MCA, which 1.5.09+ capabilities would have offered.
    const r = run(spr, { module: '1.5.06' }, { dmesg: dmesg('[ 1.0] kvm_intel: SEAMCALL TDH_MNG_INIT failed: 0xc000010000000045, rcx 0x1') });
    const f = findings(r, 'config-not-configurable');
    expect(f).toHaveLength(1);
    expect(f[0]!.bits.map((b) => `${b.leaf}.${b.reg}.${b.bit}`)).toEqual(['1.edx.7', '1.edx.12', '1.edx.14']);
    expect(f[0]!.message).toMatch(/RCX = 1: the check failed on CPUID leaf 1\. With module 1\.5\.06 the predicted configuration passes, but QEMU's CPU model asks for 1\.EDX\[7\] MCE, 1\.EDX\[12\] MTRR and 1\.EDX\[14\] MCA in leaf 1, which 1\.5\.06 does not let the VMM configure while module 1\.5\.09/);
  });

  it('an observed failure nothing explains suspects the module version', () => {
    const r = run(spr, { module: '1.5.34' }, { dmesg: dmesg('[ 1.0] kvm_intel: SEAMCALL TDH_MNG_INIT failed: 0xc000010000000045, rcx 0x1') });
    const f = findings(r, 'config-not-configurable');
    expect(f).toHaveLength(1);
    expect(f[0]!.bits).toEqual([]);
    expect(f[0]!.message).toMatch(/With module 1\.5\.34 no configured bit of leaf 1 is outside config_direct \| allow_direct: the module in use is probably not 1\.5\.34/);
  });

  it("does not fire on QEMU's own configuration for any corpus Xeon and its default module", async () => {
    for (const x of TDX_XEONS) {
      const r = run(await corpusDump(x.file));
      expect(findings(r, 'config-not-configurable'), x.cpu).toEqual([]);
      expect(r.predicted.status.tdInitError, x.cpu).toBeNull();
    }
  });
});

describe('kvm-rejects-config', () => {
  it('WAITPKG in a captured payload: -EINVAL, bit named', () => {
    const kvm = initVmCapture(spr, '1.5.06', (e) => (e.function === 7 && e.index === 0 ? { ...e, ecx: e.ecx | 0x20 } : e));
    const f = findings(run(spr, { module: '1.5.06' }, { kvm: [kvm] }), 'kvm-rejects-config');
    expect(f).toHaveLength(1);
    expect(f[0]!.bits).toEqual([{ leaf: 7, subleaf: 0, reg: 'ecx', bit: 5 }]);
    expect(f[0]!.message).toMatch(/^KVM_TDX_INIT_VM fails with -EINVAL: the CPUID configuration sets 7\.0\.ECX\[5\] WAITPKG, which KVM does not allow for a TD \(captured KVM_TDX_INIT_VM payload\)/);
  });

  it('an entry for a leaf that is not configurable, and a guest physical address width of 46', () => {
    const extra = { function: 6, index: 0, flags: 0, eax: 0x4, ebx: 0, ecx: 0, edx: 0 };
    const kvm = initVmCapture(spr, '1.5.06', (e) => (e.function === 0x80000008 ? { ...e, eax: (e.eax & 0xff00ffff) | (46 << 16) } : e), [extra]);
    const f = findings(run(spr, { module: '1.5.06' }, { kvm: [kvm] }), 'kvm-rejects-config');
    const text = f.map((x) => x.message).join('\n');
    expect(text).toMatch(/an entry for leaf 6, which is not a configurable leaf of 1\.5\.06/);
    expect(text).toMatch(/0x80000008\.EAX\[23:16\] \(guest physical address width\) is 46; KVM accepts only 48 or 52/);
  });

  it("does not fire on QEMU's configuration, nor with the legacy ABI (which forwards HLE/RTM/WAITPKG to the module)", () => {
    expect(findings(run(spr, { module: '1.5.06' }), 'kvm-rejects-config')).toEqual([]);
    const kvm = initVmCapture(spr, '1.5.06', (e) => (e.function === 7 && e.index === 0 ? { ...e, ecx: e.ecx | 0x20 } : e));
    expect(findings(run(spr, { module: '1.5.06', kernel: '6.8' }, { kvm: [kvm] }), 'kvm-rejects-config')).toEqual([]);
  });
});

describe('attrs-or-xfam-unsupported', () => {
  it('PKS in the attributes: KVM 6.16 offers only SEPT_VE_DISABLE, QEMU refuses; PKS bit named', () => {
    const f = findings(run(spr, { module: '1.5.06', attributes: 0x50000000n }), 'attrs-or-xfam-unsupported');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('error');
    expect(f[0]!.bits).toEqual([{ leaf: 7, subleaf: 0, reg: 'ecx', bit: 31 }]);
    expect(f[0]!.message).toMatch(/^QEMU refuses to create the TD: TD attributes 0x50000000 include PKS \(bit 30\), which KVM_TDX_CAPABILITIES does not offer \(supported_attrs 0x10000000\)/);
  });

  it('DEBUG is outside QEMU\'s allow-list even where the capabilities allow it (legacy ABI)', () => {
    const f = findings(run(spr, { module: '1.5.06', kernel: '6.8', attributes: 0x10000001n }), 'attrs-or-xfam-unsupported');
    expect(f.map((x) => x.message).join('\n')).toMatch(/include DEBUG \(bit 0\), which QEMU does not allow/);
  });

  it('XFAM with Intel PT (XFAM[8]) outside supported_xfam; the QEMU log rejection line is reported too', () => {
    const log = qemuLog(readFileSync(resolve(__dirname, '../fixtures/ingest/qemu-log-stderr-qemu9.txt'), 'utf8'));
    const r = run(spr, { module: '1.5.06', xfam: 0x602e7n | (1n << 8n) }, { qemuLog: log });
    const f = findings(r, 'attrs-or-xfam-unsupported');
    const xfam = f.find((x) => /XFAM/.test(x.message))!;
    expect(xfam.bits).toEqual([{ leaf: 0xd, subleaf: 1, reg: 'ecx', bit: 8 }]);
    expect(xfam.message).toMatch(/XFAM 0x603e7 includes PT \(XFAM\[8\]\), outside supported_xfam 0x602e7/);
    expect(f.some((x) => /qemu\.log line 10: QEMU refused the TD: "qemu-system-x86_64: Invalid attributes 0x40000000 for TDX VM/.test(x.message))).toBe(true);
  });

  it('does not fire with the default attributes and XFAM', () => {
    expect(findings(run(spr, { module: '1.5.06' }), 'attrs-or-xfam-unsupported')).toEqual([]);
  });
});

describe('tsc-frequency', () => {
  it('2.06 GHz is not a multiple of 25 MHz; 50 MHz is out of range; both from --tsc-khz and -cpu tsc-frequency=', () => {
    const a = findings(run(spr, { module: '1.5.06', tscKhz: 2_060_000 }), 'tsc-frequency');
    expect(a).toHaveLength(1);
    expect(a[0]!.message).toMatch(/TSC frequency 2060000 kHz is not a multiple of 25 MHz .* use 2050000 or 2075000 kHz/);
    const b = findings(run(spr, { module: '1.5.06', cpu: 'host,tsc-frequency=50000000' }), 'tsc-frequency');
    expect(b.map((x) => x.message).join()).toMatch(/TSC frequency 50000 kHz is outside the 100 MHz \.\. 10 GHz/);
    expect(b[0]!.bits).toEqual([{ leaf: 0x15, subleaf: null, reg: 'ebx', bit: 0 }]);
  });

  it('does not fire for 2 GHz, nor when the host frequency is used', () => {
    expect(findings(run(spr, { module: '1.5.06', tscKhz: 2_000_000 }), 'tsc-frequency')).toEqual([]);
    expect(findings(run(spr, { module: '1.5.06' }), 'tsc-frequency')).toEqual([]);
  });
});

describe('named-cpu-model', () => {
  it('-cpu SapphireRapids is refused for a TD', () => {
    const f = findings(run(spr, { module: '1.5.06', cpu: 'SapphireRapids' }), 'named-cpu-model');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/-cpu SapphireRapids: QEMU accepts only -cpu host for a TD/);
  });

  it('-cpu host is fine', () => {
    expect(findings(run(spr, { module: '1.5.06', cpu: 'host,+avx512f' }), 'named-cpu-model')).toEqual([]);
  });
});

describe('pre-flight agrees with the pipeline', () => {
  it('for every corpus Xeon and module version, the full pre-flight finds a problem exactly when the pipeline says the TD is not created', async () => {
    for (const x of TDX_XEONS.slice(0, 6)) {
      const host = await corpusDump(x.file);
      // Modules upstream KVM can use (1.5.05+; module-too-old-for-kvm covers the others).
      for (const v of moduleVersions().filter((m) => m >= '1.5.05' && m !== '1.5-beta')) {
        const state = runPipeline(inputs(host), { module: v });
        if (state.status.moduleInitializes === false) continue;
        const { config, env } = preflightInputs(state);
        const problems = preflight(config, env);
        expect(problems.length === 0, `${x.cpu} ${v}: ${problems.map((p) => p.message).join('; ')}`).toBe(state.status.tdCreated);
      }
    }
  });
});
