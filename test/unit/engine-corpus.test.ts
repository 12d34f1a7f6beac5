// Every TDX-capable Xeon of the corpus against every TDX module version: the reconciliation
// runs, the predicted TD follows the module's algorithm register by register (tdx-cpuid-model.md
// 2.1), and bits a person can check by hand come out as the module says.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Reg } from '../../shared/model/address';
import { REGS } from '../../shared/model/address';
import type { CpuidDump } from '../../shared/model/dump';
import type { Analysis } from '../../shared/engine/reconcile';
import { analyze } from '../../shared/engine/reconcile';
import { layerReg } from '../../shared/engine/layer';
import { moduleTable, moduleVersions } from '../../shared/knowledge/tdx-module/module-table';
import { compareModuleVersions, parseModuleVersion } from '../../shared/knowledge/tdx-module/versions';
import { TDX_XEONS, corpusDump, hostInputs } from './engine-corpus';

const dumps = new Map<string, CpuidDump>();
beforeAll(async () => {
  for (const x of TDX_XEONS) dumps.set(x.file, await corpusDump(x.file));
}, 120_000);

function atLeast(v: string, min: string): boolean {
  return compareModuleVersions(parseModuleVersion(v)!, parseModuleVersion(min)!) >= 0;
}

function reg(a: Analysis, layer: 'td' | 'host' | 'guest' | 'initVm', leaf: number, subleaf: number | null, r: Reg): number | undefined {
  const l = a.state.layers[layer];
  const b = l ? layerReg(l, leaf, subleaf, r) : undefined;
  return b && b.k === 0xffffffff ? b.v : undefined;
}

function bit(a: Analysis, layer: 'td' | 'host' | 'guest', leaf: number, subleaf: number | null, r: Reg, n: number): number | undefined {
  const v = reg(a, layer, leaf, subleaf, r);
  return v === undefined ? undefined : (v >>> n) & 1;
}

/**
 * The module algorithm, checked per register of every TD entry: fixed1 bits are 1, fixed0 bits
 * 0, native bits the host's, config_direct bits the configured value, allow_direct bits at most
 * host AND configured. Bits the special handling of the version touches (XFAM/ATTRIBUTES gating,
 * calculated fields: the notes of the prediction) are exempt here and checked by name below.
 */
function checkAlgorithm(a: Analysis): void {
  const t = a.state.module;
  const notes = a.state.predicted.td.notes;
  for (const e of t.entries) {
    if (e.faulting) continue;
    REGS.forEach((r, i) => {
      const m = e.regs[i]!;
      const td = layerReg(a.state.layers.td!, e.leaf, e.subleaf, r)!;
      const exempt = (notes.get(`${e.leaf}:${e.subleaf ?? '-'}:${r}`) ?? []).reduce((x, n) => x | n.mask, 0);
      const check = (mask: number, expected: number, what: string): void => {
        const judged = (mask & td.k & ~exempt) >>> 0;
        if (judged === 0) return;
        expect((td.v & judged) >>> 0, `${t.version} ${e.leaf.toString(16)}.${e.subleaf}.${r} ${what}`).toBe((expected & judged) >>> 0);
      };
      check(m.fixed1, 0xffffffff, 'fixed1');
      check(m.fixed0, 0, 'fixed0');
      const host = a.state.host.reg(e.leaf, e.subleaf, r);
      check(m.native & host.k, host.v, 'native');
      const cfg = e.configIndex !== null ? a.state.predicted.initVm.tdParams.get(e.configIndex)?.[i] : undefined;
      const c = cfg ?? { v: 0, k: 0xffffffff };
      check(m.configDirect & c.k, c.v, 'config_direct');
      const allowed = (m.allowDirect & td.k & ~exempt) >>> 0;
      expect((td.v & allowed & ~(host.v & c.v)) >>> 0, `${t.version} ${e.leaf.toString(16)} ${r} allow_direct`).toBe(0);
    });
  }
}

describe.each(TDX_XEONS)('$cpu', ({ file, family }) => {
  it.each(moduleVersions())('module %s: reconcile runs and the TD follows the module algorithm', (version) => {
    const a = analyze(hostInputs(dumps.get(file)!), { module: version });
    const r = a.reconciliation;
    expect(r.context.module).toMatchObject({ table: version, exact: true, from: 'option' });
    expect(r.predicted.td.length).toBe(a.state.module.entries.filter((e) => !e.faulting).length);
    checkAlgorithm(a);

    // 0x21: the TDX signature "IntelTDX    ".
    expect([reg(a, 'td', 0x21, 0, 'ebx'), reg(a, 'td', 0x21, 0, 'edx'), reg(a, 'td', 0x21, 0, 'ecx')]).toEqual([0x65746e49, 0x5844546c, 0x20202020]);
    // HYPERVISOR (1.ECX[31]) fixed1; APIC (1.EDX[9]) 1.
    expect(bit(a, 'td', 1, null, 'ecx', 31)).toBe(1);
    expect(bit(a, 'td', 1, null, 'edx', 9)).toBe(1);
    // HLE, RTM and WAITPKG are absent from the predicted capabilities (6.16 KVM clears them).
    const caps7 = r.predicted.tdxCaps.cpuid.find((c) => c.leaf === 7 && c.subleaf === 0)!;
    expect(caps7.ebx & 0x810).toBe(0);
    expect(caps7.ecx & 0x20).toBe(0);
    // Leaf 6 (ARAT) is faulting before 1.5.09 / 2.0.04, and the Linux guest reads 0 there either way.
    const faulting = r.predicted.faultingLeaves.some((k) => k.leaf === 6 && k.subleaf === null);
    const veGeneration = moduleTable(version)!.info.veReduction;
    expect(faulting).toBe(!veGeneration);
    expect(bit(a, 'guest', 6, null, 'eax', 2)).toBe(0);
    if (veGeneration) expect(reg(a, 'td', 6, null, 'eax')).toBe(4);
    // 0x15: the 25 MHz crystal and TSC ratio denominator 1 are fixed.
    expect([reg(a, 'td', 0x15, null, 'eax'), reg(a, 'td', 0x15, null, 'ecx')]).toEqual([1, 25_000_000]);
    // Module init: every corpus Xeon passes the verify masks from 1.5.06 on.
    if (atLeast(version, '1.5.06')) expect(r.predicted.status.moduleInitializes, r.findings.map((f) => f.message).join('\n')).toBe(true);
    void family;
  });

  it('PKS follows ATTRIBUTES.PKS and AVX512F follows XFAM[5..7]', () => {
    const dump = dumps.get(file)!;
    const hostPks = dump.cpus[0]!.table.bit({ leaf: 7, subleaf: 0, reg: 'ecx', bit: 31 });
    const base = analyze(hostInputs(dump), { module: '1.5.06' });
    expect(bit(base, 'td', 7, 0, 'ecx', 31)).toBe(0); // default attributes: SEPT_VE_DISABLE only
    if (hostPks === 1) {
      const withPks = analyze(hostInputs(dump), { module: '1.5.06', attributes: (1n << 28n) | (1n << 30n) });
      expect(bit(withPks, 'td', 7, 0, 'ecx', 31)).toBe(1);
      const row = withPks.reconciliation.bits.find((x) => x.leaf === 7 && x.subleaf === 0 && x.reg === 'ecx' && x.bit === 31)!;
      expect(row.gates).toContain('ATTR:PKS');
      expect(row.reasons.join(' | ')).toMatch(/PKS := ATTRIBUTES\.PKS \(1\)/);
    }
    expect(bit(base, 'td', 7, 0, 'ebx', 16)).toBe(bit(base, 'host', 7, 0, 'ebx', 16));
    // XFAM without the AVX-512 components (5, 6, 7): AVX512F is cleared by the module.
    const noAvx512 = analyze(hostInputs(dump), { module: '1.5.06', xfam: base.state.predicted.initVm.xfam & ~0xe0n });
    expect(bit(noAvx512, 'td', 7, 0, 'ebx', 16)).toBe(0);
    const row = noAvx512.reconciliation.bits.find((x) => x.leaf === 7 && x.subleaf === 0 && x.reg === 'ebx' && x.bit === 16)!;
    expect(row.gates).toEqual(['XFAM:5', 'XFAM:6', 'XFAM:7']);
    if (bit(base, 'host', 7, 0, 'ebx', 16) === 1) {
      expect(row.decidedBy).toBe('module');
      expect(row.reasons.some((x) => /cleared because XFAM\[[567]\] is 0/.test(x))).toBe(true);
    } else {
      expect(row.decidedBy).toBe('host'); // Sierra Forest (E-cores) has no AVX-512 at all
    }
  });
});

describe('default module and guest #VE reduction', () => {
  it('takes the newest table of the line that runs on the CPU', async () => {
    const spr = analyze(hostInputs(await corpusDump(TDX_XEONS[0]!.file)));
    expect(spr.reconciliation.context.module).toMatchObject({ requested: null, table: '1.5.34', from: 'default' });
    const gnr = analyze(hostInputs(await corpusDump('libvirt_cputestdata/x86_64-cpuid-Xeon-6788P.xml')));
    expect(gnr.reconciliation.context.module.table).toBe('2.0.18');
    expect(gnr.reconciliation.context.assumptions.some((x) => /^TDX module 2\.0\.18/.test(x))).toBe(true);
  });

  it('a guest with REDUCE_VE sees ARAT from 1.5.09 on', async () => {
    const dump = await corpusDump(TDX_XEONS[0]!.file);
    expect(bit(analyze(hostInputs(dump), { module: '1.5.09', guestReduceVe: true }), 'guest', 6, null, 'eax', 2)).toBe(1);
    expect(bit(analyze(hostInputs(dump), { module: '1.5.06', guestReduceVe: true }), 'guest', 6, null, 'eax', 2)).toBe(0);
  });
});
