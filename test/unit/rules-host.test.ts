// Rules about the host and the versions in use, on real corpus dumps: lp-inconsistent,
// fms-min-stepping, module-too-old-for-kvm, tdx-host-disabled, seamcall-error, unknown-version,
// and the promise that a host the module refuses (AMD, client CPUs) gives one
// module-init-verify error and no flood of follow-up findings.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CpuidDump } from '../../shared/model/dump';
import { moduleTable } from '../../shared/knowledge/tdx-module/module-table';
import { corpusDump } from './engine-corpus';
import { dmesg, findings, initVmCapture, run } from './rules-helpers';

const EMR_02 = 'aida64_instlatx64/GenuineIntel00C06F2_EmeraldRapids_02_CPUID.txt'; // 2 x Xeon Silver 4514Y, 64 CPUs, stepping 2
const SPR_05 = 'aida64_instlatx64/GenuineIntel00806F8_SapphireRapids_05_CPUID.txt';

let emr: CpuidDump;
let spr: CpuidDump;
beforeAll(async () => {
  emr = await corpusDump(EMR_02);
  spr = await corpusDump(SPR_05);
});

/** The dump with one register changed on the CPUs `which` selects. */
function mutate(dump: CpuidDump, which: (id: number) => boolean, leaf: number, subleaf: number | null, reg: 'eax' | 'ebx' | 'ecx' | 'edx', f: (v: number) => number): CpuidDump {
  return {
    ...dump,
    cpus: dump.cpus.map((c) => {
      if (!which(c.id)) return c;
      const e = c.table.get(leaf, subleaf)!;
      return { ...c, table: c.table.with([{ ...e, [reg]: f(e[reg]) >>> 0 }]) };
    }),
  };
}

describe('lp-inconsistent', () => {
  it('fires when the second socket differs in a verify_same bit, naming the bit and the CPUs', () => {
    // A verify_same bit of 7.0.EBX in module 1.5.06 (the module checks it on every LP).
    const entry = moduleTable('1.5.06')!.get(7, 0)!;
    const same = entry.regs[1].verifySame;
    expect(same).not.toBe(0);
    const bit = 31 - Math.clz32(same & -same);
    const host = mutate(emr, (id) => id >= 32, 7, 0, 'ebx', (v) => v ^ (1 << bit));
    const f = findings(run(host, { module: '1.5.06' }), 'lp-inconsistent');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('error');
    expect(f[0]!.bits).toEqual([{ leaf: 7, subleaf: 0, reg: 'ebx', bit }]);
    expect(f[0]!.message).toMatch(/64 logical processors .* differ in bits that module 1\.5\.06 requires to be equal on every LP/);
    expect(f[0]!.message).toMatch(/TDX_INCONSISTENT_CPUID_FIELD on 32 CPU\(s\)/);
  });

  it('does not fire on the unchanged two-socket host, nor on a bit outside verify_same', () => {
    expect(findings(run(emr, { module: '1.5.06' }), 'lp-inconsistent')).toEqual([]);
    // The initial APIC ID (1.EBX[31:24]) differs on every CPU by design and is not verify_same.
    expect(new Set(emr.cpus.map((c) => c.table.regOf(1, null, 'ebx')! >>> 24)).size).toBeGreaterThan(1);
  });
});

describe('fms-min-stepping', () => {
  const withStepping = (stepping: (id: number) => number): CpuidDump => {
    let out = emr;
    for (const s of [1, 2]) out = mutate(out, (id) => stepping(id) === s, 1, null, 'eax', (v) => (v & ~0xf) | s);
    return out;
  };

  it('CPU 0 of a higher stepping: QEMU -cpu host configures its FMS, TDH.MNG.INIT fails (error)', () => {
    const host = withStepping((id) => (id < 32 ? 2 : 1));
    const r = run(host, { module: '1.5.06' });
    const f = findings(r, 'fms-min-stepping');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('error');
    expect(f[0]!.message).toMatch(/different steppings: 0xc06f1 \(stepping 1\) on 32 CPU\(s\), 0xc06f2 \(stepping 2\) on 32 CPU\(s\)/);
    expect(f[0]!.message).toMatch(/platform FMS.*0xc06f1/);
    expect(f[0]!.message).toMatch(/TDH\.MNG\.INIT fails with 0xC000010000000045/);
    expect(r.predicted.status.tdCreated).toBe(false);
  });

  it('CPU 0 already of the minimum stepping: a warning, the TD is created', () => {
    const host = withStepping((id) => (id < 32 ? 1 : 2));
    const r = run(host, { module: '1.5.06' });
    const f = findings(r, 'fms-min-stepping');
    expect(f.map((x) => x.severity)).toEqual(['warning']);
    expect(f[0]!.bits).toHaveLength(4);
    expect(r.predicted.status.tdCreated).toBe(true);
  });

  it('a payload with an FMS that is neither 0 nor the platform FMS fails on a uniform host', () => {
    const kvm = initVmCapture(spr, '1.5.06', (e) => (e.function === 1 ? { ...e, eax: (e.eax & ~0xf) | 0x3 } : e));
    const f = findings(run(spr, { module: '1.5.06' }, { kvm: [kvm] }), 'fms-min-stepping');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('error');
    expect(f[0]!.message).toMatch(/neither 0 nor the platform FMS 0x806f8/);
  });

  it('does not fire on hosts of one stepping', () => {
    expect(findings(run(emr, { module: '1.5.06' }), 'fms-min-stepping')).toEqual([]);
    expect(findings(run(spr, { module: '1.5.06' }), 'fms-min-stepping')).toEqual([]);
  });
});

describe('a host the module refuses: one error, no flood', () => {
  const refused = [
    'aida64_instlatx64/AuthenticAMD0A10F11_K19_Genoa_02_CPUID.txt',
    'aida64_instlatx64/GenuineIntel0090672_AlderLake_03_CPUID.txt',
    'aida64_instlatx64/GenuineIntel00C0662_ArrowLake_07_CPUID.txt',
    'aida64_instlatx64/GenuineIntel0050657_CascadeLakeXeon2_CPUID.txt',
    'hwloc_gather_cpuid/Intel-ArrowLake-CoreUltra5-225U.tar.bz2',
  ];
  for (const file of refused) {
    it(`${file.split('/')[1]}: only module-init-verify`, async () => {
      const host = await corpusDump(file);
      for (const options of [{}, { module: '1.5.06' }, { module: '2.0.18', cpu: 'host,+avx512f,check' }]) {
        const r = run(host, options);
        expect(r.findings.map((f) => f.rule)).toEqual(['module-init-verify']);
        expect(r.findings[0]!.severity).toBe('error');
      }
    });
  }
});

describe('module-too-old-for-kvm', () => {
  it('module 1.5.01 with upstream KVM (6.16): one error, and no predictions of a TD that cannot exist', () => {
    const r = run(spr, { module: '1.5.01' });
    const f = findings(r, 'module-too-old-for-kvm');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/Module 1\.5\.01 lacks TDX_FEATURES0\.TOPOLOGY_ENUM/);
    for (const rule of ['requested-unavailable', 'forced-on', 'kvm-view-mismatch', 'kvm-rejects-config', 've-leaf']) expect(findings(r, rule)).toEqual([]);
    // The knowledge-level cross-check still speaks (qemu-table-stale).
    expect(findings(r, 'qemu-table-stale').length).toBeGreaterThan(0);
  });

  it('does not fire from 1.5.05 on, nor with a kernel of the older TDX ABI', () => {
    expect(findings(run(spr, { module: '1.5.05' }), 'module-too-old-for-kvm')).toEqual([]);
    expect(findings(run(spr, { module: '1.5.01', kernel: '6.8' }), 'module-too-old-for-kvm')).toEqual([]);
  });
});

describe('tdx-host-disabled', () => {
  it('fires on a dmesg where the module failed to initialize (canonical/tdx#331 shape)', () => {
    const log = dmesg(
      [
        '[   10.798766] virt/tdx: TDX module: attributes 0x0, vendor_id 0x8086, major_version 1, minor_version 0, build_date 20230206, build_num 457',
        '[   10.798780] virt/tdx: SEAMCALL (0x0000000000000022) failed: 0xc000050500000000',
        '[   10.798786] virt/tdx: RCX 0x0000000000000000 RDX 0x9100000100000008 R08 0x0000000000000000',
        '[   10.798793] virt/tdx: module initialization failed (-5)',
        '[   10.798795] kvm_intel: Failed to initialize TDX module.',
      ].join('\n'),
    );
    const r = run(spr, {}, { dmesg: log });
    const f = findings(r, 'tdx-host-disabled');
    expect(f.map((x) => x.message).sort()).toEqual([expect.stringMatching(/kvm_intel reports TDX initialization failed/), expect.stringMatching(/the TDX module failed to initialize/)]);
    // The SEAMCALL status is decoded by seamcall-error.
    const s = findings(r, 'seamcall-error');
    expect(s).toHaveLength(1);
    expect(s[0]!.message).toMatch(/line 2: TDH_SYS_RD returned 0xC000050500000000 = TDX_SYS_NOT_READY \[non-recoverable\]: the TDX module is not initialized/);
  });

  it('does not fire on the demo report dmesg (module initialized, TDX supported)', () => {
    const log = dmesg(readFileSync(resolve(__dirname, '../../resources/demo/dmesg-tdx.txt'), 'utf8'));
    const r = run(spr, {}, { dmesg: log });
    expect(findings(r, 'tdx-host-disabled')).toEqual([]);
    expect(findings(r, 'seamcall-error')).toEqual([]);
  });
});

describe('seamcall-error', () => {
  it('decodes the SEAMCALL lines of a dmesg; the CPUID_CONFIG failure goes to config-not-configurable', () => {
    const log = dmesg(readFileSync(resolve(__dirname, '../fixtures/ingest/dmesg-T-caller-seamcall.txt'), 'utf8'));
    const r = run(spr, {}, { dmesg: log });
    const s = findings(r, 'seamcall-error');
    expect(s).toHaveLength(1);
    expect(s[0]!.message).toMatch(/line 6: TDH_SYS_RD returned 0xC000010000000011 = TDX_OPERAND_INVALID, operand 0x11/);
    const c = findings(r, 'config-not-configurable');
    expect(c).toHaveLength(1);
    expect(c[0]!.message).toMatch(/line 5: TDH_MNG_INIT failed with 0xC000010000000045 = TDX_OPERAND_INVALID, operand 0x45 CPUID_CONFIG/);
    expect(c[0]!.message).toMatch(/RCX = 7\.0: the check failed on CPUID leaf 7\.0 sub-leaf 0/);
  });

  it('does not fire on a dmesg without SEAMCALL failures, nor for a CPUID_CONFIG status alone', () => {
    const clean = dmesg(readFileSync(resolve(__dirname, '../fixtures/ingest/dmesg-ubuntu-6.8-intel.txt'), 'utf8'));
    expect(findings(run(spr, {}, { dmesg: clean }), 'seamcall-error')).toEqual([]);
    const cfg = dmesg('[ 1.0] kvm_intel: SEAMCALL TDH_MNG_INIT failed: 0xc000010000000045, rcx 0x7');
    expect(findings(run(spr, {}, { dmesg: cfg }), 'seamcall-error')).toEqual([]);
  });

  it('TDX_INCORRECT_CPUID_VALUE on a host that passes the verify masks points at the module version', () => {
    const log = dmesg('[    5.1] virt/tdx: SEAMCALL (0x0000000000000021) failed: 0xc000090000000000\n[    5.2] virt/tdx: module initialization failed (-5)');
    const s = findings(run(spr, { module: '1.5.06' }, { dmesg: log }), 'seamcall-error');
    expect(s).toHaveLength(1);
    expect(s[0]!.message).toMatch(/TDH_SYS_INIT returned 0xC000090000000000 = TDX_INCORRECT_CPUID_VALUE/);
    expect(s[0]!.message).toMatch(/passes the verify masks of module 1\.5\.06: the module loaded is probably another version/);
  });
});

describe('unknown-version', () => {
  it('a module newer than every known 1.5 table: warning, nearest table used', () => {
    const r = run(spr, { module: '1.5.99' });
    expect(r.context.module).toMatchObject({ requested: '1.5.99', table: '1.5.34', exact: false });
    const f = findings(r, 'unknown-version');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('warning');
    expect(f[0]!.message).toMatch(/TDX module 1\.5\.99 \(from --module\) has no table .*newest one, 1\.5\.34/);
  });

  it('a version between known tables: info; a newer kernel and QEMU: warnings', () => {
    expect(findings(run(spr, { module: '1.5.07' }), 'unknown-version').map((f) => f.severity)).toEqual(['info']);
    const r = run(spr, { module: '1.5.06', kernel: '7.9', qemu: '12.0' });
    const f = findings(r, 'unknown-version');
    expect(f.map((x) => x.severity)).toEqual(['warning', 'warning']);
    expect(f.map((x) => x.message).join('\n')).toMatch(/Kernel 7\.9 \(from option\)[\s\S]*QEMU 12\.0 \(from option\)/);
  });

  it('does not fire for known versions or defaults', () => {
    expect(findings(run(spr, { module: '1.5.06', kernel: '6.16', qemu: '10.1' }), 'unknown-version')).toEqual([]);
    expect(findings(run(spr), 'unknown-version')).toEqual([]);
    // A patch release of a known kernel line uses that line's table without a finding.
    expect(findings(run(spr, { kernel: '6.16.3' }), 'unknown-version')).toEqual([]);
  });
});
