import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../model/errors';
import { parseKcpuid } from './kcpuid';
import { detectFormat } from './registry';

const dir = join(__dirname, '../../test/fixtures/corpus/kcpuid');
const read = (name: string): string => readFileSync(join(dir, name), 'utf8');

describe('kcpuid reader on the corpus', () => {
  it('kcpuid -r in a bhyve guest (AMD Turin-like)', () => {
    const text = read('local_vm_AMD-Turin-like_kcpuid-r.txt');
    expect(detectFormat(text)?.format.id).toBe('kcpuid');
    const d = parseKcpuid(text, 'kcpuid-r');
    expect(d.cpus.length).toBe(1);
    expect(d.meta).toMatchObject({ vendor: 'AuthenticAMD', family: 0x1a, model: 2, stepping: 1, brand: 'Oxide Virtual Turin-like Processor' });
    const t = d.cpus[0]!.table;
    // Leaf lines counted in the text: every one is in the table.
    const rows = text.split('\n').filter((l) => /^(0x[0-9a-f]{8}|\s*\d+): EAX=/.test(l)).length;
    expect(t.size).toBe(rows);
    // Sub-leaves are decimal; all-zero sub-leaves 3 and 4 of leaf 0xd were left out by kcpuid.
    expect(t.subleavesOf(0xd)).toEqual([0, 1, 2, 5, 6, 7]);
    expect(t.get(0xd, 7)).toMatchObject({ eax: 0x400, ebx: 0x580 });
    // Omitted all-zero leaves stay absent (leaf 2 is all zero on AMD).
    expect(t.hasLeaf(2)).toBe(false);
    // Guest: 1.ECX[31] set; kcpuid does not read 0x40000000, so no hypervisor name.
    expect(t.bit({ leaf: 1, subleaf: null, reg: 'ecx', bit: 31 })).toBe(1);
    expect(d.meta.hypervisor).toBeNull();
    expect(t.bit({ leaf: 7, subleaf: 0, reg: 'ebx', bit: 16 })).toBe(1);
  });

  it('refuses kcpuid -d at its first line and says to capture kcpuid -r', () => {
    const text = read('local_vm_AMD-Turin-like_kcpuid-d.txt');
    expect(detectFormat(text)?.format.id).toBe('kcpuid');
    let err: unknown;
    try {
      parseKcpuid(text, 'kcpuid-d');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).line).toBe(1);
    expect((err as FormatError).message).toMatch(/decoded output of kcpuid.*kcpuid -r/);
  });
});

describe('kcpuid variants and errors', () => {
  it('two-digit decimal sub-leaves; raw output followed by a decoded list', () => {
    const d = parseKcpuid(
      'Basic Leafs :\n================\n0x00000000: EAX=0x0000001f, EBX=0x756e6547, ECX=0x6c65746e, EDX=0x49656e69\n0x00000018: subleafs:\n  0: EAX=0x00000010, EBX=0, ECX=0, EDX=0\n 10: EAX=0x00000000, EBX=0x00080001, ECX=0x00000020, EDX=0x00004022\nCPU features:\n=============\n\nCPUID_0x1_ECX[0x0]:\n',
      'k',
    );
    expect(d.cpus[0]!.table.subleavesOf(0x18)).toEqual([0, 10]);
    expect(d.annotations['decoded']).toMatch(/ignored/);
  });

  it('a sub-leaf line without its leaf is skipped with a warning', () => {
    const d = parseKcpuid('0x00000000: EAX=0x0000001f, EBX=0x756e6547, ECX=0x6c65746e, EDX=0x49656e69\n  1: EAX=0x1, EBX=0x0, ECX=0x0, EDX=0x0\n', 'k');
    expect(d.cpus[0]!.table.size).toBe(1);
    expect(d.warnings[0]).toMatchObject({ line: 2 });
  });

  it('errors name the line', () => {
    let err: unknown;
    try {
      parseKcpuid('Basic Leafs :\n================\n0x00000000: EAX=0x0000000d, EBX=0x68747541, ECX=0x444d4163\n', 'k.txt');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).line).toBe(3);
    expect(() => parseKcpuid('', 'k')).toThrow(/empty file/);
  });
});
