// Predicted KVM_GET_SUPPORTED_CPUID against real "features enabled by QEMU/KVM" data: libvirt's
// cputestdata `-enabled.xml` files hold, per QEMU feature word, the bits `-cpu host` enabled on
// the host whose CPUID is in the matching `.xml` (KVM-supported ∩ QEMU-known, plus QEMU's own
// additions). The prediction (KVM table + QEMU names) must reproduce them, and every
// difference is explained here: which kernel reports the bit (the capture's kernel is not
// recorded), cross-checked with the `-disabled.xml` file (bits the host has that QEMU knows
// but KVM did not report).
import { describe, expect, it } from 'vitest';
import type { Reg } from '../../shared/model/address';
import { REGS } from '../../shared/model/address';
import type { CpuidDump } from '../../shared/model/dump';
import { Assumptions } from '../../shared/engine/assumptions';
import { hostView } from '../../shared/engine/host';
import { predictKvmSupported } from '../../shared/engine/predict/kvm-supported';
import { qemuKvmView } from '../../shared/engine/predict/qemu-supported';
import { kvmKnowledge } from '../../shared/knowledge/kvm/kvm-knowledge';
import { qemuFeatureWord } from '../../shared/knowledge/qemu/qemu-knowledge';
import { corpusDump } from './engine-corpus';

interface Diff {
  readonly where: string;
  readonly predictedOnly: readonly string[];
  readonly enabledOnly: readonly string[];
}

async function compare(cpu: string, kernel: string): Promise<{ diffs: Diff[]; disabled: CpuidDump }> {
  const dir = 'libvirt_cputestdata';
  const host = await corpusDump(`${dir}/x86_64-cpuid-${cpu}.xml`);
  const enabled = await corpusDump(`${dir}/x86_64-cpuid-${cpu}-enabled.xml`);
  const disabled = await corpusDump(`${dir}/x86_64-cpuid-${cpu}-disabled.xml`);
  expect(enabled.valueKind).toBe('mask');
  const k = predictKvmSupported(hostView(host), kvmKnowledge(kernel)!, new Assumptions()).layer;
  const diffs: Diff[] = [];
  for (const key of enabled.cpus[0]!.table.keys) {
    for (const reg of REGS) {
      const e = enabled.cpus[0]!.table.regOf(key.leaf, key.subleaf, reg)!;
      const w = qemuFeatureWord(key.leaf, key.subleaf, reg);
      if (!w) {
        expect(e, `${cpu} ${key.leaf.toString(16)} ${reg}: enabled bits outside QEMU feature words`).toBe(0);
        continue;
      }
      const view = qemuKvmView(k, key.leaf, key.subleaf, reg);
      expect((view.k & w.migratable) >>> 0, `${cpu} ${w.name}: prediction incomplete`).toBe(w.migratable);
      const predicted = (view.v & w.migratable & ~w.noAutoenable) >>> 0;
      const names = (m: number): string[] => [...Array(32).keys()].filter((b) => (m >>> b) & 1).map((b) => w.names.get(b) ?? `bit${b}`);
      const p = names((predicted & ~e) >>> 0);
      const en = names((e & ~predicted) >>> 0);
      if (p.length || en.length) diffs.push({ where: w.name, predictedOnly: p, enabledOnly: en });
    }
  }
  return { diffs, disabled };
}

function disabledHas(d: CpuidDump, leaf: number, subleaf: number | null, reg: Reg, bit: number): boolean {
  return d.cpus[0]!.table.bit({ leaf, subleaf, reg, bit }) === 1;
}

describe('KVM_GET_SUPPORTED_CPUID prediction vs libvirt -enabled.xml', () => {
  it('Xeon 6788P (Granite Rapids): identical with the 6.16 table', async () => {
    expect((await compare('Xeon-6788P', '6.16.1')).diffs).toEqual([]);
  });

  it('Xeon 6788P: a 6.6 kernel would lack AVX10 (KVM reports it from 6.12 on), so the capture is from 6.12+', async () => {
    const { diffs } = await compare('Xeon-6788P', '6.6.150');
    expect(diffs).toEqual([
      { where: 'FEAT_7_1_EDX', predictedOnly: [], enabledOnly: ['avx10'] },
      { where: 'FEAT_24_0_EBX', predictedOnly: [], enabledOnly: ['avx10-128', 'avx10-256', 'avx10-512'] },
    ]);
    expect((await compare('Xeon-6788P', '6.12.94')).diffs).toEqual([]);
  });

  it('Xeon Bronze 3408U (Sapphire Rapids): identical', async () => {
    expect((await compare('Xeon-Bronze-3408U', '6.16.1')).diffs).toEqual([]);
  });

  it('Xeon 6731E (Sierra Forest): only WRMSRNS differs - KVM reports it from 6.16, the capture came from an older kernel', async () => {
    const { diffs, disabled } = await compare('Xeon-6731E', '6.16.1');
    expect(diffs).toEqual([{ where: 'FEAT_7_1_EAX', predictedOnly: ['wrmsrns'], enabledOnly: [] }]);
    // QEMU knew the bit and the host has it, but KVM did not offer it: -disabled.xml lists it.
    expect(disabledHas(disabled, 7, 1, 'eax', 19)).toBe(true);
    // The 6.12 table predicts exactly the capture.
    expect((await compare('Xeon-6731E', '6.12.94')).diffs).toEqual([]);
  });

  it('Xeon Gold 6530 (Emerald Rapids): FDP_EXCPTN_ONLY and ZERO_FCS_FDS differ - the capture predates KVM passing them through', async () => {
    for (const kernel of ['6.6.150', '6.16.1', '7.0.0']) {
      const { diffs, disabled } = await compare('Xeon-Gold-6530', kernel);
      expect(diffs).toEqual([{ where: 'FEAT_7_0_EBX', predictedOnly: ['fdp-excptn-only', 'zero-fcs-fds'], enabledOnly: [] }]);
      // Both are in -disabled.xml: QEMU knew them, the host has them, KVM did not report them,
      // so that kernel is older than every table here (they are pass-through from 6.6 on).
      expect(disabledHas(disabled, 7, 0, 'ebx', 6) && disabledHas(disabled, 7, 0, 'ebx', 13)).toBe(true);
      expect(kvmKnowledge('6.6.0')!.word(7, 0, 'ebx')!.passthrough & ((1 << 6) | (1 << 13))).toBe((1 << 6) | (1 << 13));
    }
  });
});
