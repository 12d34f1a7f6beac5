// module-init-verify on real dumps: an AMD server and an Intel client CPU fail the module's
// verify masks; a Sapphire Rapids Xeon passes them.
import { describe, expect, it } from 'vitest';
import { analyze } from '../reconcile';
import { corpusDump, hostInputs } from '../../../test/unit/engine-corpus';

describe('rule module-init-verify', () => {
  it('fires on an AMD host: the module would not initialize, vendor bits named', async () => {
    const dump = await corpusDump('aida64_instlatx64/AuthenticAMD0A10F11_K19_Genoa_02_CPUID.txt');
    const r = analyze(hostInputs(dump), { module: '1.5.06' }).reconciliation;
    const f = r.findings.filter((x) => x.rule === 'module-init-verify');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('error');
    expect(f[0]!.message).toMatch(/TDX module 1\.5\.06 would not initialize on this host: the host is not an Intel CPU \(AuthenticAMD\)/);
    // "AuthenticAMD" vs "GenuineIntel" in leaf 0 EBX/ECX/EDX.
    expect(f[0]!.bits.some((b) => b.leaf === 0 && b.reg === 'ebx')).toBe(true);
    expect(r.predicted.status).toMatchObject({ moduleInitializes: false, tdCreated: false });
    expect(r.summary.errors).toBeGreaterThanOrEqual(1);
  });

  it('fires on an Alder Lake client CPU, naming the bits it lacks', async () => {
    const dump = await corpusDump('aida64_instlatx64/GenuineIntel0090672_AlderLake_03_CPUID.txt');
    const r = analyze(hostInputs(dump), { module: '1.5.06' }).reconciliation;
    const f = r.findings.find((x) => x.rule === 'module-init-verify')!;
    expect(f.message).toMatch(/would not initialize/);
    expect(f.message).not.toMatch(/not an Intel CPU/);
    // Hybrid client parts report thread director (6.EAX[23]), which the module requires to be 0.
    expect(f.bits).toContainEqual({ leaf: 6, subleaf: null, reg: 'eax', bit: 23 });
    expect(r.predicted.status.moduleInitFailures.length).toBeGreaterThan(0);
  });

  it('does not fire on a Sapphire Rapids Xeon', async () => {
    const dump = await corpusDump('aida64_instlatx64/GenuineIntel00806F8_SapphireRapids_05_CPUID.txt');
    const r = analyze(hostInputs(dump), { module: '1.5.06' }).reconciliation;
    expect(r.findings.filter((x) => x.rule === 'module-init-verify')).toEqual([]);
    expect(r.predicted.status).toMatchObject({ moduleInitializes: true, tdCreated: true });
  });

  it('does not judge without a host', () => {
    const r = analyze({ hosts: [], kvm: [], sources: [] }, { module: '1.5.06' }).reconciliation;
    expect(r.findings.filter((f) => f.rule === 'module-init-verify')).toEqual([]);
    expect(r.predicted.status.moduleInitializes).toBeNull();
  });
});
