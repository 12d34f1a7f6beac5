import { describe, expect, it } from 'vitest';
import { CpuidTableBuilder } from './cpuid-table';
import { finishDump } from './build-dump';
import { decodeFms, encodeFms } from './fms';

function intelTable() {
  return new CpuidTableBuilder()
    .add({ leaf: 0, subleaf: 0, eax: 0x23, ebx: 0x756e6547, ecx: 0x6c65746e, edx: 0x49656e69 })
    .add({ leaf: 1, subleaf: 0, eax: 0x000a06f3, ebx: 0x00ff0800, ecx: 0x7ffefbff, edx: 0xbfebfbff })
    .add({ leaf: 7, subleaf: 0, eax: 2, ebx: 0x239cb7ef, ecx: 0xfb4027bc, edx: 0xfc1c4432 })
    .add({ leaf: 7, subleaf: 1, eax: 0x1c30, ebx: 0, ecx: 0, edx: 0 })
    .add({ leaf: 0x23, subleaf: 0, eax: 0xb, ebx: 0, ecx: 6, edx: 0 })
    .add({ leaf: 0x20000000, subleaf: 0, eax: 0xb, ebx: 0, ecx: 6, edx: 0 })
    .add({ leaf: 0x40000000, subleaf: 0, eax: 0xb, ebx: 0, ecx: 6, edx: 0 })
    .add({ leaf: 0x80000000, subleaf: 0, eax: 0x80000008, ebx: 0, ecx: 0, edx: 0 })
    .add({ leaf: 0xc0000000, subleaf: 0, eax: 0, ebx: 0, ecx: 0, edx: 0 })
    .build();
}

describe('CpuidTable', () => {
  it('decides per leaf whether it has sub-leaves', () => {
    const t = intelTable();
    expect(t.get(1, null)?.eax).toBe(0x000a06f3);
    expect(t.get(1, 0)).toBeUndefined();
    expect(t.subleavesOf(7)).toEqual([0, 1]);
    expect(t.bit({ leaf: 7, subleaf: 0, reg: 'ebx', bit: 16 })).toBe(0); // Sierra Forest: no AVX512F
    expect(t.bit({ leaf: 7, subleaf: 0, reg: 'ebx', bit: 0 })).toBe(1);
    expect(t.lookup(1, 5)?.eax).toBe(0x000a06f3);
  });

  it('drops out-of-range probes and reads metadata', () => {
    const dump = finishDump({ format: 'test', name: 'x', valueKind: 'values', cpus: [{ id: 0, table: intelTable() }] });
    expect(dump.probeEchoes.map((p) => p.leaf)).toEqual([0x20000000, 0x40000000, 0xc0000000]);
    expect(dump.cpus[0]!.table.hasLeaf(0x20000000)).toBe(false);
    expect(dump.cpus[0]!.table.hasLeaf(0x80000000)).toBe(true);
    expect(dump.meta).toMatchObject({ vendor: 'GenuineIntel', family: 6, model: 0xaf, stepping: 3, cpuCount: 1, hypervisor: null });
  });

  it('decodes and encodes family/model/stepping', () => {
    expect(decodeFms(0x00b00f21)).toMatchObject({ family: 0x1a, model: 2, stepping: 1 });
    expect(decodeFms(0x000806f8)).toMatchObject({ family: 6, model: 0x8f, stepping: 8 });
    expect(decodeFms(encodeFms(6, 0xcf, 2))).toMatchObject({ family: 6, model: 0xcf, stepping: 2 });
  });
});
