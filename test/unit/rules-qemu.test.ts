// Rules about QEMU: requested-unavailable, forced-on, host-lacks, qemu-warnings-check (the
// demo bug report's real QEMU warnings against the prediction) and qemu-table-stale (the
// known cross-check result: ARAT and SYSCALL QEMU-only, PKS module-only for 1.5.01-2.0.02;
// many stale bits against 1.0.x).
import { beforeAll, describe, expect, it } from 'vitest';
import type { CpuidDump } from '../../shared/model/dump';
import type { EngineInputs } from '../../shared/engine/types';
import { analyze } from '../../shared/engine/reconcile';
import { demoReportFiles } from '../../shared/ingest/demo';
import { ingest } from '../../shared/ingest/ingest';
import type { SourceFile } from '../../shared/model/source';
import { corpusDump } from './engine-corpus';
import { bitKeys, findings, initVmCapture, qemuLog, run } from './rules-helpers';

const SPR_05 = 'aida64_instlatx64/GenuineIntel00806F8_SapphireRapids_05_CPUID.txt';
let spr: CpuidDump;
beforeAll(async () => {
  spr = await corpusDump(SPR_05);
});

/** The demo bug report (real libvirt SPR dump, dmesg with module 1.5.06, command line, QEMU log), optionally with a changed QEMU log. */
function demo(changeLog?: (text: string) => string): EngineInputs {
  const files: SourceFile[] = demoReportFiles().map((f) => (changeLog && f.path.endsWith('qemu.log') ? { ...f, text: changeLog(f.text) } : f));
  return ingest(files).engineInputs;
}

const XFAM_NO_AVX512 = 0x602e7n & ~0xe0n;

describe('requested-unavailable', () => {
  it('XFAM without the AVX-512 components: QEMU asks for AVX512F, the TD lacks it', () => {
    const r = run(spr, { module: '1.5.06', xfam: XFAM_NO_AVX512 });
    const f = findings(r, 'requested-unavailable');
    const avx512f = f.find((x) => bitKeys(x).includes('7.0.ebx.16'))!;
    expect(avx512f.severity).toBe('warning');
    expect(avx512f.message).toMatch(/^QEMU's CPU model asks for 7\.0\.EBX\[16\] AVX512F, but the TD's CPUID has it 0: module 1\.5\.06: cleared because XFAM\[\d\] is 0\. The guest silently lacks it/);
    expect(f.length).toBeGreaterThan(5);
  });

  it('with check QEMU prints the warning; with enforce the TD is refused (error)', () => {
    const check = findings(run(spr, { module: '1.5.06', xfam: XFAM_NO_AVX512, cpu: 'host,check' }), 'requested-unavailable').find((x) => bitKeys(x).includes('7.0.ebx.16'))!;
    expect(check.message).toMatch(/QEMU prints "TDX doesn't support requested feature: CPUID\[eax=07h,ecx=00h\]\.EBX\.avx512f \[bit 16\]"/);
    const enforce = findings(run(spr, { module: '1.5.06', xfam: XFAM_NO_AVX512, cpu: 'host,enforce' }), 'requested-unavailable');
    expect(enforce.every((x) => x.severity === 'error')).toBe(true);
    expect(enforce[0]!.message).toMatch(/refuses to run the TD \(enforce\)/);
  });

  it('does not fire for -cpu host on a corpus Xeon, nor for the demo report (SYSCALL counts as 1)', () => {
    expect(findings(run(spr, { module: '1.5.06' }), 'requested-unavailable')).toEqual([]);
    expect(findings(analyze(demo()).reconciliation, 'requested-unavailable')).toEqual([]);
  });
});

describe('forced-on', () => {
  it('PDCM: QEMU removes it with pmu=off, the module forces it (native-verified 1)', () => {
    const f = findings(run(spr, { module: '1.5.06' }), 'forced-on');
    expect(f.map(bitKeys)).toEqual([['1.-.ecx.15']]);
    expect(f[0]!.severity).toBe('info');
    expect(f[0]!.message).toMatch(/The TD has 1\.ECX\[15\] PDCM = 1 although QEMU's CPU model does not ask for it: QEMU removes it because pmu=off, but module 1\.5\.06: native, verified to be 1/);
  });

  it('the demo report (-invtsc, check): PDCM and INVTSC, as QEMU printed them', () => {
    const f = findings(analyze(demo()).reconciliation, 'forced-on');
    expect(f.flatMap(bitKeys)).toEqual(['1.-.ecx.15', '80000007.-.edx.8']);
    expect(f[1]!.message).toMatch(/-cpu host,\+intel-pt,\+waitpkg,-invtsc removes it \(-invtsc\)/);
    expect(f[1]!.message).toMatch(/QEMU prints "TDX forcibly sets the feature: CPUID\[eax=80000007h\]\.EDX\.invtsc \[bit 8\]"/);
  });

  it('does not report PDCM with pmu=on', () => {
    const f = findings(run(spr, { module: '1.5.06', pmu: true }), 'forced-on');
    expect(f.flatMap(bitKeys)).not.toContain('1.-.ecx.15');
  });
});

describe('host-lacks', () => {
  it('-cpu host,+avx-ifma on Sapphire Rapids (no AVX-IFMA): allow_direct, so the TD silently gets 0', () => {
    const f = findings(run(spr, { module: '1.5.06', cpu: 'host,+avx-ifma' }), 'host-lacks');
    expect(f).toHaveLength(1);
    expect(f[0]!.bits).toEqual([{ leaf: 7, subleaf: 1, reg: 'eax', bit: 23 }]);
    expect(f[0]!.message).toMatch(/^7\.1\.EAX\[23\] AVX_IFMA: QEMU -cpu host,\+avx-ifma requests it, but the host CPU lacks it\. 1\.5\.06 treats it as configurable and native \(allow_direct\), so the TD gets host AND configured = 0, silently/);
  });

  it('a captured payload configuring AVX-VNNI-INT8 on a host without it', () => {
    const kvm = initVmCapture(spr, '1.5.06', (e) => (e.function === 7 && e.index === 1 ? { ...e, edx: e.edx | (1 << 4) } : e));
    const f = findings(run(spr, { module: '1.5.06' }, { kvm: [kvm] }), 'host-lacks');
    expect(f.map(bitKeys)).toEqual([['7.1.edx.4']]);
    expect(f[0]!.message).toMatch(/the captured KVM_TDX_INIT_VM payload configures it/);
  });

  it('does not fire for -cpu host (QEMU asks only for what the host has)', () => {
    expect(findings(run(spr, { module: '1.5.06' }), 'host-lacks')).toEqual([]);
  });
});

describe('qemu-warnings-check', () => {
  it("the demo report: QEMU's four warnings agree with the prediction (info only)", () => {
    const r = analyze(demo()).reconciliation;
    const f = findings(r, 'qemu-warnings-check');
    expect(f.every((x) => x.severity === 'info')).toBe(true);
    const text = f.map((x) => x.message).join('\n');
    expect(text).toMatch(/"host doesn't support requested feature" warnings agree with the prediction for 7\.0\.EBX\[25\] INTEL_PT and 7\.0\.ECX\[5\] WAITPKG/);
    expect(text).toMatch(/"TDX forcibly sets the feature" warnings agree with the prediction for 1\.ECX\[15\] PDCM and 0x80000007\.EDX\[8\] CONSTANT_TSC \(QEMU invtsc\)/);
  });

  it('a log that reports AVX512F as unsupported and lacks the PDCM line: both sides named', () => {
    const inputs = demo((t) =>
      t
        .replace(/.*forcibly sets the feature: CPUID\[eax=01h\]\.ECX\.pdcm.*\n/, '')
        .concat("qemu-system-x86_64: warning: TDX doesn't support requested feature: CPUID[eax=07h,ecx=00h].EBX.avx512f [bit 16]\n"),
    );
    const f = findings(analyze(inputs).reconciliation, 'qemu-warnings-check');
    const warnings = f.filter((x) => x.severity === 'warning');
    expect(warnings).toHaveLength(2);
    const unsupported = warnings.find((x) => /TDX doesn't support requested feature/.test(x.message))!;
    expect(unsupported.message).toMatch(/the log \(line 6\) reports 7\.0\.EBX\[16\] AVX512F, which the prediction does not/);
    expect(unsupported.message).toMatch(/The prediction assumed module 1\.5\.06, kernel 6\.16\.0-tdx, QEMU 10\.1\.0/);
    const forced = warnings.find((x) => /forcibly/.test(x.message))!;
    expect(forced.message).toMatch(/the prediction expects 1\.ECX\[15\] PDCM, which the log does not show/);
    expect(forced.bits).toEqual([{ leaf: 1, subleaf: null, reg: 'ecx', bit: 15 }]);
  });

  it('does not fire without a QEMU log, nor on a log without warnings when -cpu has no check', () => {
    expect(findings(run(spr, { module: '1.5.06' }), 'qemu-warnings-check')).toEqual([]);
    const log = qemuLog('QEMU emulator version 10.1.0\nqemu-system-x86_64: -accel kvm: info: something unrelated\n');
    expect(findings(run(spr, { module: '1.5.06' }, { qemuLog: log }), 'qemu-warnings-check')).toEqual([]);
  });
});

describe('qemu-table-stale', () => {
  for (const v of ['1.5.01', '1.5.05', '1.5.06', '1.5.08', '2.0.02']) {
    it(`module ${v}: only the known differences (ARAT, SYSCALL QEMU-only; PKS module-only), as info`, () => {
      const f = findings(run(spr, { module: v }), 'qemu-table-stale');
      expect(f).toHaveLength(1);
      expect(f[0]!.severity).toBe('info');
      expect(f[0]!.bits).toEqual([
        { leaf: 6, subleaf: null, reg: 'eax', bit: 2 },
        { leaf: 7, subleaf: 0, reg: 'ecx', bit: 31 },
        { leaf: 0x80000001, subleaf: null, reg: 'edx', bit: 11 },
      ]);
      expect(f[0]!.message).toMatch(/only where it is known to/);
    });
  }

  it('does not warn for 1.5.01-2.0.02 (the table was written from 1.5.06), nor run for a host the module refuses', async () => {
    for (const v of ['1.5.01', '1.5.05', '1.5.06', '1.5.08', '2.0.02']) expect(findings(run(spr, { module: v }), 'qemu-table-stale').filter((x) => x.severity !== 'info'), v).toEqual([]);
    const amd = await corpusDump('aida64_instlatx64/AuthenticAMD0A10F11_K19_Genoa_02_CPUID.txt');
    expect(findings(run(amd, { module: '1.0.3' }), 'qemu-table-stale')).toEqual([]);
  });

  it('module 1.0.3: QEMU\'s table is far off (many stale bits), warnings naming the table', () => {
    const f = findings(run(spr, { module: '1.0.3' }), 'qemu-table-stale').filter((x) => x.severity === 'warning');
    expect(f.length).toBeGreaterThanOrEqual(1);
    expect(f.flatMap((x) => x.bits).length).toBeGreaterThan(10);
    expect(f[0]!.message).toMatch(/QEMU 11\.0's TDX fixed1 table \(tdx_fixed1_bits, target\/i386\/kvm\/tdx\.c\) is stale for module 1\.0\.3/);
  });

  it('module 1.5.09: MCE, MTRR, MCA and CORE_CAPABILITIES became configurable; ARAT is fixed1 now', () => {
    const f = findings(run(spr, { module: '1.5.09' }), 'qemu-table-stale');
    const stale = f.find((x) => x.severity === 'warning')!;
    expect(stale.bits.map((b) => `${b.leaf}.${b.reg}.${b.bit}`)).toEqual(['1.edx.7', '1.edx.12', '1.edx.14', '7.edx.30']);
    expect(stale.message).toMatch(/1\.EDX\[7\] MCE \(CONFIG_AND_NATIVE\)/);
    const known = f.find((x) => x.severity === 'info')!;
    expect(known.bits.some((b) => b.leaf === 6)).toBe(false);
  });
});
