import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CpuidEntry, RawCpuidEntry } from './cpuid-table';
import { CpuidTable, CpuidTableBuilder } from './cpuid-table';
import { compareLeafKey } from './address';
import { isIndexedLeaf } from './leaf-kinds';
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

/** The builder's rules written the plain way (one object per entry), to check the packed one against. */
function referenceBuild(raw: readonly RawCpuidEntry[]): CpuidEntry[] {
  const indexed = new Set<number>();
  for (const e of raw) if (isIndexedLeaf(e.leaf) || (e.subleaf !== undefined && e.subleaf !== 0)) indexed.add(e.leaf);
  const byKey = new Map<string, CpuidEntry>();
  const seenPlain = new Set<number>();
  for (const e of raw) {
    const regs = { eax: e.eax >>> 0, ebx: e.ebx >>> 0, ecx: e.ecx >>> 0, edx: e.edx >>> 0 };
    if (indexed.has(e.leaf)) byKey.set(`${e.leaf}:${e.subleaf ?? 0}`, { leaf: e.leaf, subleaf: e.subleaf ?? 0, ...regs });
    else if (!seenPlain.has(e.leaf)) {
      seenPlain.add(e.leaf);
      byKey.set(`${e.leaf}:-`, { leaf: e.leaf, subleaf: null, ...regs });
    }
  }
  return [...byKey.values()].sort(compareLeafKey);
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });
/** Leaves from a small pool (so that repeats, indexed leaves and all ranges occur). */
const rawEntry = fc.record({
  leaf: fc.constantFrom(0, 1, 2, 4, 7, 0xb, 0xd, 0x14, 0x19, 0x1a, 0x20000000, 0x40000000, 0x80000000, 0x80000001, 0x8000001d, 0xc0000000, 0xffffffff),
  subleaf: fc.option(fc.constantFrom(0, 1, 2, 3, 0xffffffff), { nil: undefined }),
  eax: u32,
  ebx: u32,
  ecx: u32,
  edx: u32,
});

describe('CpuidTableBuilder', () => {
  it('builds what the plain rules say, in any input order, with repeats', () => {
    fc.assert(
      fc.property(fc.array(rawEntry, { maxLength: 60 }), (raw) => {
        const b = new CpuidTableBuilder();
        for (const e of raw) b.add(e);
        const t = b.build();
        const want = referenceBuild(raw);
        expect(t.toArray()).toEqual(want);
        expect(t.size).toBe(want.length);
        for (const e of want) {
          expect(t.get(e.leaf, e.subleaf)).toEqual(e);
          expect(t.hasLeaf(e.leaf)).toBe(true);
          expect(t.subleavesOf(e.leaf)).toEqual(want.filter((w) => w.leaf === e.leaf).map((w) => w.subleaf));
        }
        expect(t.has(0x12345, null)).toBe(false);
        expect(t.equals(CpuidTable.fromEntries(want))).toBe(true);
        const dropped = want.filter((_, i) => i % 2 === 0);
        expect(t.without(dropped).toArray()).toEqual(want.filter((_, i) => i % 2 === 1));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the first plain repeat and the last indexed repeat', () => {
    const t = new CpuidTableBuilder()
      .add({ leaf: 2, eax: 1, ebx: 0, ecx: 0, edx: 0 })
      .add({ leaf: 1, eax: 2, ebx: 0, ecx: 0, edx: 0 })
      .add({ leaf: 2, eax: 3, ebx: 0, ecx: 0, edx: 0 })
      .add({ leaf: 7, subleaf: 1, eax: 4, ebx: 0, ecx: 0, edx: 0 })
      .add({ leaf: 7, subleaf: 1, eax: 5, ebx: 0, ecx: 0, edx: 0 })
      .build();
    expect(t.toArray().map((e) => [e.leaf, e.subleaf, e.eax])).toEqual([
      [1, null, 2],
      [2, null, 1],
      [7, 1, 5],
    ]);
  });

  it('lets tables with the same leaves share one frozen keys array', () => {
    const build = (eax: number) => new CpuidTableBuilder().add({ leaf: 0, eax, ebx: 0, ecx: 0, edx: 0 }).add({ leaf: 7, subleaf: 0, eax, ebx: 0, ecx: 0, edx: 0 }).build();
    const a = build(1);
    const b = build(2);
    expect(a.keys).toBe(b.keys);
    expect(Object.isFrozen(a.keys) && Object.isFrozen(a.keys[0])).toBe(true);
    expect([a.get(0, null)?.eax, b.get(0, null)?.eax]).toEqual([1, 2]);
  });
});
