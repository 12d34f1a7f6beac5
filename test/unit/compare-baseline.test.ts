// `baseline` of several hosts (shared/compare/baseline.ts) on real corpus Xeons: the flags
// that make the TD CPUIDs identical, checked here independently by predicting each host again
// with them, and the per-host fields that no flag can configure.
import { describe, expect, it } from 'vitest';
import type { BaselineHostInput } from '../../shared/compare/baseline';
import { baseline } from '../../shared/compare/baseline';
import { analyze } from '../../shared/engine/reconcile';
import { parseCpuOption } from '../../shared/engine/cpu-option';
import { corpusDump } from './engine-corpus';

async function host(file: string): Promise<BaselineHostInput> {
  return { dump: await corpusDump(file), source: { path: file, sha256: '0'.repeat(64), format: 'test', layer: 'host' } };
}

const BRONZE = 'libvirt_cputestdata/x86_64-cpuid-Xeon-Bronze-3408U.xml';
const GOLD = 'libvirt_cputestdata/x86_64-cpuid-Xeon-Gold-6530.xml';
const W7 = 'aida64_instlatx64/GenuineIntel00806F8_SapphireRapids_05_CPUID.txt';

/** The TD CPUID of each host with a configuration, as register rows keyed by leaf/sub-leaf. */
function tds(hosts: readonly BaselineHostInput[], module: string, cpu: string) {
  const tscKhz = parseCpuOption(cpu).tscKhz;
  return hosts.map((h) => analyze({ hosts: [h.dump], kvm: [], sources: [] }, { module, cpu, ...(tscKhz ? { tscKhz } : {}) }).state.predicted.td.layer);
}

describe('baseline', () => {
  it('Bronze 3408U (no AMX), Gold 6530 and w7-2475X with module 1.5.06: -amx-*, -xfd and a common TSC align them (verified)', async () => {
    const hosts = [await host(BRONZE), await host(GOLD), await host(W7)];
    const r = baseline(hosts, { module: '1.5.06' });
    expect(r.hosts.map((h) => [h.module, h.tdCreated])).toEqual([
      ['1.5.06', true],
      ['1.5.06', true],
      ['1.5.06', true],
    ]);
    // AMX: 7.0.EDX[22,24,25] are 1 on the Emerald/Sapphire workstation parts, 0 on the Bronze.
    const amxTile = r.differences.find((d) => d.leaf === 7 && d.reg === 'edx' && d.bit === 24)!;
    expect(amxTile.values).toEqual([0, 1, 1]);
    expect(amxTile.flag).toBe('-amx-tile');
    expect(r.flags).toEqual(expect.arrayContaining(['-amx-bf16', '-amx-int8', '-amx-tile']));
    // The Bronze 3408U's TSC is 1.8 GHz (CPUID 0x15: 25 MHz x 144 / 2), the lowest of the three.
    expect(r.cpu).toMatch(/^host,(-[a-z0-9-]+,)+tsc-frequency=1800000000$/);
    expect(r.verified).toBe(true);
    // What remains is per-host data, each with its reason; no flag is offered for it.
    expect(r.remaining.length).toBeGreaterThan(0);
    for (const d of r.remaining) {
      expect(d.flag).toBeNull();
      expect(d.why).toMatch(/per-host|no -cpu flag|no QEMU property/);
    }
    expect(r.remaining.some((d) => d.leaf === 1 && d.bits?.[0] === 0 && /family\/model\/stepping/.test(d.why))).toBe(true);
    expect(r.remaining.some((d) => d.leaf === 0x80000008 && /physical address width/.test(d.why))).toBe(true);

    // Independent check: predicted again with the flags, the TDs agree on every register the remaining list does not name.
    const layers = tds(hosts, '1.5.06', r.cpu);
    const named = new Set(r.remaining.map((d) => `${d.leaf}:${d.subleaf ?? '-'}:${d.reg}`));
    for (const k of layers[0]!.keys) {
      (['eax', 'ebx', 'ecx', 'edx'] as const).forEach((reg, i) => {
        if (named.has(`${k.leaf}:${k.subleaf ?? '-'}:${reg}`)) return;
        const vals = layers.map((l) => l.row(k.leaf, k.subleaf)?.[i]);
        expect(new Set(vals).size, `${k.leaf}.${k.subleaf}.${reg}`).toBe(1);
      });
    }
  });

  it('the same host twice: nothing differs, no flags', async () => {
    const r = baseline([await host(GOLD), await host(GOLD)], { module: '1.5.06' });
    expect(r.differences).toEqual([]);
    expect(r.flags).toEqual([]);
    expect(r.cpu).toBe('host');
    expect(r.verified).toBe(true);
  });

  it('a host the module refuses (AMD EPYC) is left out with the reason', async () => {
    const r = baseline([await host(GOLD), await host(W7), await host('aida64_instlatx64/AuthenticAMD0A10F11_K19_Genoa_02_CPUID.txt')], { module: '1.5.06' });
    expect(r.excluded).toEqual([{ host: 2, why: 'module 1.5.06 would not initialize on this host' }]);
    expect(r.verified).toBe(true);
  });

  it('Granite Rapids and Sapphire Rapids each with its own module line by default', async () => {
    const r = baseline([await host('libvirt_cputestdata/x86_64-cpuid-Xeon-6788P.xml'), await host(BRONZE)]);
    expect(r.hosts.map((h) => h.module.slice(0, 3))).toEqual(['2.0', '1.5']);
    expect(r.differences.length).toBeGreaterThan(0);
    expect(r.hosts.every((h) => h.tdCreated)).toBe(true);
  });
});
