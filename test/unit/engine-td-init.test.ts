// TDH.MNG.INIT's CPUID_CONFIG check (tdx-cpuid-model.md 2.1): a configuration that sets a bit
// which is neither config_direct nor allow_direct makes the module fail with
// TDX_OPERAND_INVALID, operand 69 (0xC000010000000045); the engine names the bit. Also the
// FMS rule (0 or the platform FMS) and KVM's own INIT_VM checks.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CpuidDump } from '../../shared/model/dump';
import type { KvmCpuidEntry, KvmInput } from '../../shared/model/inputs';
import { analyze } from '../../shared/engine/reconcile';
import { renderReconcileText } from '../../electron/cli/output/reconcile-report';
import { corpusDump, hostInputs } from './engine-corpus';

const SPR = 'aida64_instlatx64/GenuineIntel00806F8_SapphireRapids_05_CPUID.txt';
let dump: CpuidDump;
beforeAll(async () => {
  dump = await corpusDump(SPR);
});

/** The INIT_VM payload the engine predicts, as kvm_cpuid_entry2 entries, with a change applied. */
function payload(change: (e: KvmCpuidEntry) => KvmCpuidEntry): { kvm: KvmInput; xfam: bigint } {
  const base = analyze(hostInputs(dump), { module: '1.5.06' }).reconciliation.predicted.initVm;
  const cpuid = base.cpuid.map((c) => change({ function: c.leaf, index: c.subleaf ?? 0, flags: 0, eax: c.eax, ebx: c.ebx, ecx: c.ecx, edx: c.edx }));
  return {
    kvm: { kind: 'kvm', format: 'test', name: 'init-vm.json', warnings: [], initVm: { attributes: base.attributes, xfam: base.xfam, cpuid } },
    xfam: base.xfam,
  };
}

describe('TDH.MNG.INIT CPUID_CONFIG check', () => {
  it('a payload setting TSC_ADJUST (7.0.EBX[1], fixed0) fails with 0xC000010000000045 and names the bit', () => {
    const { kvm } = payload((e) => (e.function === 7 && e.index === 0 ? { ...e, ebx: e.ebx | 0x2 } : e));
    const r = analyze({ ...hostInputs(dump), kvm: [kvm] }, { module: '1.5.06' }).reconciliation;
    expect(r.layerOrigin.initVm).toBe('captured');
    expect(r.predicted.status.tdInitError).toBe('0xC000010000000045');
    expect(r.predicted.status.tdInitFailures).toEqual([
      expect.objectContaining({ leaf: 7, subleaf: 0, reg: 'ebx', bits: 0x2, message: expect.stringMatching(/neither config_direct nor allow_direct/) }),
    ]);
    expect(r.predicted.status.tdCreated).toBe(false);
    const text = renderReconcileText(r);
    expect(text).toMatch(/TDH\.MNG\.INIT: fails with 0xC000010000000045 \(TDX_OPERAND_INVALID, CPUID_CONFIG\): 7\.0\.EBX bits 0x2/);
  });

  it('the predicted payload itself passes', () => {
    const r = analyze(hostInputs(dump), { module: '1.5.06' }).reconciliation;
    expect(r.predicted.status).toMatchObject({ tdInitError: null, tdInitFailures: [], kvmRejects: [], tdCreated: true });
  });

  it('HLE in the payload: KVM refuses KVM_TDX_INIT_VM before the module sees it', () => {
    const { kvm } = payload((e) => (e.function === 7 && e.index === 0 ? { ...e, ebx: e.ebx | 0x10 } : e));
    const s = analyze({ ...hostInputs(dump), kvm: [kvm] }, { module: '1.5.06' }).reconciliation.predicted.status;
    expect(s.kvmRejects.join()).toMatch(/HLE\/RTM/);
    // HLE without RTM also breaks the module's HLE = RTM rule.
    expect(s.tdInitFailures.some((f) => f.leaf === 7 && f.reg === 'ebx' && f.bits === 0x810)).toBe(true);
  });

  it('a family/model/stepping that is neither 0 nor the platform FMS fails (non-migratable TD)', () => {
    const { kvm } = payload((e) => (e.function === 1 ? { ...e, eax: (e.eax & ~0xf) | 0x3 } : e));
    const s = analyze({ ...hostInputs(dump), kvm: [kvm] }, { module: '1.5.06' }).reconciliation.predicted.status;
    expect(s.tdInitError).toBe('0xC000010000000045');
    expect(s.tdInitFailures).toEqual([expect.objectContaining({ leaf: 1, reg: 'eax', message: expect.stringMatching(/platform FMS/) })]);
  });

  it('a guest physical address width other than 48/52 is refused by KVM', () => {
    const { kvm } = payload((e) => (e.function === 0x80000008 ? { ...e, eax: (e.eax & 0xff00ffff) | (46 << 16) } : e));
    const s = analyze({ ...hostInputs(dump), kvm: [kvm] }, { module: '1.5.06' }).reconciliation.predicted.status;
    expect(s.kvmRejects.join()).toMatch(/guest physical address width 46/);
  });

  it('XFAM outside supported_xfam is refused (by QEMU before KVM)', () => {
    const r = analyze(hostInputs(dump), { module: '1.5.06', xfam: 0x602e7n | (1n << 8n) }).reconciliation;
    expect(r.predicted.status.qemuRejects.join()).toMatch(/XFAM 0x603e7 includes components outside supported_xfam 0x602e7/);
    expect(r.predicted.status.kvmRejects.join()).toMatch(/XFAM/);
  });
});
