import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { BitAddress, Reg } from '../../model/address';
import { isIndexedLeaf } from '../../model/leaf-kinds';
import rawData from './data/bits.json';
import {
  allBitEntries,
  bitInfo,
  bitName,
  featuresOf,
  fieldsOf,
  findBitByName,
  findBitsByName,
  leafDescription,
  resolveBit,
} from './index';

const root = resolve(__dirname, '../../..');
const sources = join(root, 'build/knowledge/bits/sources');
const sharedKnowledge = resolve(root, '../shared/knowledge');

const bit = (leaf: number, subleaf: number | null, reg: Reg, b: number): BitAddress => ({ leaf, subleaf, reg, bit: b });

function tsvRows(file: string): string[][] {
  return readFileSync(join(sources, file), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .slice(1)
    .map((l) => l.split('\t'));
}

/** Sub-leaf as the model stores it. */
function norm(leaf: number, sub: string | null | undefined): number | null {
  if (!isIndexedLeaf(leaf)) return null;
  if (sub === null || sub === undefined || sub === '-' || sub === 'any' || sub === '0xffffffff') return 0;
  return sub.startsWith('0x') ? parseInt(sub, 16) : Number(sub);
}

describe('bit names by address', () => {
  it('names AVX512F in every spelling', () => {
    const e = bitInfo(bit(7, 0, 'ebx', 16))!;
    expect(e).toMatchObject({ name: 'avx512f', proc: 'avx512f', qemu: 'avx512f', kcpuid: 'avx512f', linux: 'AVX512F', kind: 'bit' });
    expect(bitName(bit(7, 0, 'ebx', 16))).toBe('avx512f');
    expect(e.description.length).toBeGreaterThan(5);
  });

  it('names SSE3: Linux pni, QEMU property pni with alias sse3', () => {
    const e = bitInfo(bit(1, null, 'ecx', 0))!;
    expect(e).toMatchObject({ name: 'pni', proc: 'pni', qemu: 'pni', linux: 'XMM3', kcpuid: 'pni' });
    expect(e.qemuAliases).toContain('sse3');
    expect(findBitByName('sse3')).toBe(e);
  });

  it('names AMX-TILE and SYSCALL', () => {
    expect(bitInfo(bit(7, 0, 'edx', 24))).toMatchObject({ name: 'amx_tile', proc: 'amx_tile', qemu: 'amx-tile' });
    expect(bitInfo(bit(0x80000001, null, 'edx', 11))).toMatchObject({ name: 'syscall', proc: 'syscall', qemu: 'syscall', linux: 'SYSCALL' });
  });

  it('uses the /proc name even where the x86-cpuid-db calls the bit otherwise', () => {
    expect(bitInfo(bit(1, null, 'ecx', 31))).toMatchObject({ name: 'hypervisor', kcpuid: 'guest_status', proc: 'hypervisor' });
    expect(bitInfo(bit(6, null, 'eax', 1))).toMatchObject({ name: 'ida', kcpuid: 'turbo_boost' });
    // No /proc name: the x86-cpuid-db short name is the decode name.
    expect(bitInfo(bit(7, 0, 'ecx', 7))).toMatchObject({ name: 'cet_ss', linux: 'SHSTK' });
    expect(bitInfo(bit(1, null, 'ecx', 27))).toMatchObject({ name: 'osxsave', linux: 'OSXSAVE' });
    expect(bitInfo(bit(1, null, 'ecx', 27))!.proc).toBeUndefined();
  });

  it('tells sub-leaves apart where Linux does', () => {
    expect(bitName(bit(0x10, 1, 'ecx', 2))).toBe('cdp_l3');
    expect(bitName(bit(0x10, 2, 'ecx', 2))).toBe('cdp_l2');
    expect(bitInfo(bit(0x10, 2, 'ecx', 2))!.kcpuid).toBe('cdp_l3');
  });

  it('returns the field for a bit inside a field, and nothing for unknown places', () => {
    expect(bitInfo(bit(1, null, 'eax', 5))).toMatchObject({ name: 'model', kind: 'field', bits: [4, 7] });
    expect(bitName(bit(1, null, 'eax', 5))).toBeUndefined();
    expect(bitInfo(bit(0x7777, null, 'eax', 0))).toBeUndefined();
    expect(bitInfo(bit(1, null, 'edx', 10))).toMatchObject({ kind: 'reserved' });
  });
});

describe('bit names by name', () => {
  it('accepts Linux, QEMU and x86-cpuid-db spellings in any case and separator', () => {
    const sse41 = bitInfo(bit(1, null, 'ecx', 19));
    for (const n of ['sse4.1', 'sse4_1', 'sse4-1', 'SSE4_1', 'XMM4_1', 'Sse4.1']) expect(findBitByName(n)).toBe(sse41);
    expect(findBitByName('avx512-vpopcntdq')).toBe(bitInfo(bit(7, 0, 'ecx', 14)));
    expect(findBitByName('avx512vnni')).toBe(bitInfo(bit(7, 0, 'ecx', 11)));
    expect(findBitByName('ds-cpl')).toBe(bitInfo(bit(1, null, 'ecx', 4)));
    expect(findBitByName('tsc-deadline')).toBe(bitInfo(bit(1, null, 'ecx', 24)));
    expect(findBitByName('xd')).toBe(bitInfo(bit(0x80000001, null, 'edx', 20)));
    expect(findBitByName('no-such-feature')).toBeUndefined();
  });

  it('prefers the basic leaf where AMD repeats a bit', () => {
    expect(findBitByName('pae')).toMatchObject({ leaf: 1, reg: 'edx', bits: [6, 6] });
    expect(findBitsByName('pae').map((e) => e.leaf)).toEqual([1, 0x80000001]);
  });

  it('finds named fields, including project aliases', () => {
    expect(findBitByName('maxphyaddr')).toMatchObject({ leaf: 0x80000008, reg: 'eax', bits: [0, 7], name: 'phys_addr_bits' });
    expect(findBitByName('virt_addr_bits')).toMatchObject({ bits: [8, 15] });
    expect(findBitByName('guest_phys_addr_bits')).toMatchObject({ bits: [16, 23] });
    expect(findBitByName('core_type')).toMatchObject({ leaf: 0x1a, bits: [24, 31] });
  });

  it('resolves addresses and names alike', () => {
    expect(resolveBit('7.0.EBX[16]').entry?.name).toBe('avx512f');
    expect(resolveBit('amx-int8').address).toEqual({ leaf: 7, subleaf: 0, reg: 'edx', bit: 25 });
    expect(resolveBit('cache_type').address).toEqual({ leaf: 4, subleaf: 0, reg: 'eax', bit: 0 });
    expect(resolveBit('nonsense').entry).toBeUndefined();
  });
});

describe('fields and layouts', () => {
  it('names family/model/stepping fields as the CLI contract does', () => {
    expect(fieldsOf(1, null, 'eax').map((f) => [f.name, f.bits])).toEqual([
      ['stepping', [0, 3]],
      ['model', [4, 7]],
      ['family', [8, 11]],
      ['cpu_type', [12, 13]],
      ['ext_model', [16, 19]],
      ['ext_family', [20, 27]],
    ]);
  });

  it('names address widths, XSAVE components and cache fields', () => {
    expect(fieldsOf(0x80000008, null, 'eax').map((f) => f.name)).toEqual(['phys_addr_bits', 'virt_addr_bits', 'guest_phys_addr_bits']);
    expect(fieldsOf(0xd, 18, 'eax').map((f) => f.name)).toEqual(['xsave_amx_tiledata_size']);
    expect(fieldsOf(0xd, 2, 'ebx').map((f) => f.name)).toEqual(['xsave_avx_offset']);
    // A component without its own entry falls back to the x86-cpuid-db range entry.
    expect(fieldsOf(0xd, 40, 'eax').map((f) => f.name)).toEqual(['xsave_sz']);
    expect(featuresOf(0xd, 18, 'ecx').map((f) => f.name)).toEqual(['is_xss_bit', 'compacted_xsave_64byte_aligned']);
    expect(fieldsOf(4, 3, 'eax').map((f) => f.name)).toEqual(['cache_type', 'cache_level', 'num_threads_sharing', 'num_cores_on_die']);
    expect(fieldsOf(0x21, 0, 'ebx').map((f) => f.name)).toEqual(['tdx_vendorid_0']);
    expect(fieldsOf(0x40000000, null, 'ebx').map((f) => f.name)).toEqual(['hypervisor_id_0']);
    expect(fieldsOf(0x80000002, null, 'eax').map((f) => f.name)).toEqual(['cpu_brandid_0']);
  });

  it('marks per-CPU identity fields', () => {
    expect(bitInfo(bit(1, null, 'ebx', 24))).toMatchObject({ name: 'local_apic_id', identity: true });
    expect(bitInfo(bit(0xb, 1, 'edx', 0))).toMatchObject({ identity: true });
    expect(bitInfo(bit(0xb, 2, 'edx', 0))).toMatchObject({ identity: true });
    expect(bitInfo(bit(0x1f, 3, 'edx', 31))).toMatchObject({ identity: true });
    expect(bitInfo(bit(0x8000001e, null, 'eax', 3))).toMatchObject({ identity: true });
    expect(bitInfo(bit(0x1a, null, 'eax', 30))!.identity).toBeUndefined();
  });

  it('describes leaves', () => {
    expect(leafDescription(0x21)).toMatch(/TDX/);
    expect(leafDescription(0x7)).toBeTruthy();
  });
});

describe('the data file', () => {
  const record = z
    .object({
      leaf: z.number().int().min(0).max(0xffffffff),
      subleaf: z.union([z.null(), z.number().int().min(0), z.tuple([z.number().int(), z.number().int()])]),
      reg: z.enum(['eax', 'ebx', 'ecx', 'edx']),
      bits: z.tuple([z.number().int().min(0).max(31), z.number().int().min(0).max(31)]),
      name: z.string().regex(/^[a-z0-9_]+$/).optional(),
      kcpuid: z.string().optional(),
      proc: z.string().optional(),
      linux: z.string().optional(),
      qemu: z.string().optional(),
      qemuAliases: z.array(z.string()).optional(),
      aliases: z.array(z.string()).optional(),
      identity: z.boolean().optional(),
      reserved: z.boolean().optional(),
      desc: z.string().optional(),
    })
    .strict();

  it('matches its schema, every named entry has a one-line description', () => {
    const file = rawData as unknown as { entries: unknown[] };
    for (const e of file.entries) record.parse(e);
    for (const e of allBitEntries()) {
      expect(e.bits[0]).toBeLessThanOrEqual(e.bits[1]);
      if (e.kind === 'reserved') continue;
      expect(e.name, JSON.stringify(e)).toBeTruthy();
      expect(e.desc, JSON.stringify(e)).toMatch(/^[^\n]{8,140}$/);
    }
  });

  it('has no two entries claiming the same bit of the same exact sub-leaf', () => {
    const seen = new Map<string, number>();
    for (const e of allBitEntries()) {
      if (Array.isArray(e.subleaf)) continue;
      for (let b = e.bits[0]; b <= e.bits[1]; b++) {
        const k = `${e.leaf}:${String(e.subleaf)}:${e.reg}:${b}`;
        expect(seen.has(k), `${k} claimed twice`).toBe(false);
        seen.set(k, e.index);
      }
    }
  });

  it('does not reuse the kcpuid CSV long descriptions', () => {
    const csv = readFileSync(join(sources, 'kcpuid-cpuid.csv'), 'utf8');
    const long = new Set<string>();
    for (const line of csv.split('\n')) {
      if (!line.trim() || line.trimStart().startsWith('#')) continue;
      const d = line.split(',').slice(5).join(',').trim().toLowerCase().replace(/\.$/, '');
      if (d.split(' ').length > 2) long.add(d);
    }
    const copied = allBitEntries().filter((e) => e.desc && long.has(e.desc.toLowerCase().replace(/\.$/, '')));
    expect(copied.map((e) => e.desc)).toEqual([]);
  });

  it('gives every kcpuid row, Linux /proc name and QEMU property an entry', () => {
    const procNames = new Set(allBitEntries().map((e) => e.proc).filter(Boolean));
    for (const r of tsvRows('linux-cpufeatures.tsv')) if (r[3] !== '-' && !['2'].includes(r[0]!)) expect(procNames.has(r[3]), r[3]).toBe(true);
    const qemuNames = new Set(allBitEntries().map((e) => e.qemu).filter(Boolean));
    for (const r of tsvRows('qemu-feat-names.tsv')) expect(qemuNames.has(r[4]), r[4]).toBe(true);
    const kcpuidNames = new Set(allBitEntries().map((e) => e.kcpuid).filter(Boolean));
    const csv = readFileSync(join(sources, 'kcpuid-cpuid.csv'), 'utf8');
    for (const line of csv.split('\n')) {
      if (!line.trim() || line.trimStart().startsWith('#')) continue;
      expect(kcpuidNames.has(line.split(',')[4]!.trim()), line).toBe(true);
    }
  });
});

describe('coverage of the TDX module and QEMU TDX tables', () => {
  it('has an entry for every bit the vendored table extracts mention', () => {
    const missing: string[] = [];
    for (const [l, s, reg, mask] of tsvRows('tdx-module-registers.tsv')) {
      const leaf = parseInt(l!, 16);
      const m = parseInt(mask!, 16);
      for (let b = 0; b < 32; b++) if ((m >>> b) & 1 && !bitInfo(bit(leaf, norm(leaf, s), reg as Reg, b))) missing.push(`${l}.${s}.${reg}[${b}]`);
    }
    for (const [l, s, reg, b] of tsvRows('qemu-tdx-bits.tsv')) {
      const leaf = parseInt(l!, 16);
      if (!bitInfo(bit(leaf, norm(leaf, s), reg as Reg, Number(b)))) missing.push(`${l}.${s}.${reg}[${b}]`);
    }
    expect(missing).toEqual([]);
  });

  it.skipIf(!existsSync(join(sharedKnowledge, 'tdx-module-cpuid.json')))(
    'has an entry for every bit any mask of any TDX module version mentions (reference data)',
    () => {
      const m = JSON.parse(readFileSync(join(sharedKnowledge, 'tdx-module-cpuid.json'), 'utf8')) as {
        versions: Record<string, { leaves?: { leaf: string; subleaf: string; regs: Record<string, Record<string, unknown>> }[] }>;
      };
      const missing = new Set<string>();
      let checked = 0;
      for (const v of Object.values(m.versions)) {
        for (const l of v.leaves ?? []) {
          const leaf = parseInt(l.leaf, 16);
          for (const [reg, masks] of Object.entries(l.regs)) {
            let or = 0;
            for (const [k, val] of Object.entries(masks)) if (typeof val === 'string' && !k.startsWith('native')) or |= parseInt(val, 16);
            for (let b = 0; b < 32; b++) {
              if (!((or >>> b) & 1)) continue;
              checked++;
              if (!bitInfo(bit(leaf, norm(leaf, l.subleaf), reg as Reg, b))) missing.add(`${l.leaf}.${l.subleaf}.${reg}[${b}]`);
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(1000);
      expect([...missing]).toEqual([]);
    },
  );
});
