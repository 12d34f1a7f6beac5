import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Reg } from '../model/address';
import type { CpuidDump } from '../model/dump';
import { FormatError } from '../model/errors';
import { firecrackerFormat, parseFirecrackerBitmap } from './firecracker';
import { detectFormat } from './registry';

const corpus = join(__dirname, '../../test/fixtures/corpus/firecracker');
const files = readdirSync(corpus).filter((n) => n.endsWith('.json'));
const read = (file: string): string => readFileSync(join(corpus, file), 'utf8');
const parse = (file: string): CpuidDump => firecrackerFormat.parse(read(file), file);
const bit = (d: CpuidDump, leaf: number, subleaf: number | null, reg: Reg, b: number): 0 | 1 | undefined => d.cpus[0]!.table.bit({ leaf, subleaf, reg, bit: b });
const known = (d: CpuidDump, leaf: number, subleaf: number | null, reg: Reg, b: number): 0 | 1 | undefined => d.cpus[0]!.known!.bit({ leaf, subleaf, reg, bit: b });

function formatError(f: () => unknown): FormatError {
  try {
    f();
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error('expected a FormatError');
}

interface FingerprintFacts {
  readonly vendor: string;
  readonly fms: readonly [number, number, number];
  readonly kernel: RegExp;
  readonly avx512f: 0 | 1;
  readonly amx: 0 | 1;
}

// Guest views on AWS .metal hosts: KVM hypervisor leaf, hypervisor bit set, one vCPU.
const FINGERPRINTS: Readonly<Record<string, FingerprintFacts>> = {
  // KVM gained AMX guest support in Linux 5.17: a 5.10 host does not pass AMX-TILE through.
  'fingerprint_INTEL_SAPPHIRE_RAPIDS_5.10host.json': { vendor: 'GenuineIntel', fms: [6, 0x8f, 8], kernel: /^5\.10\./, avx512f: 1, amx: 0 },
  'fingerprint_INTEL_SAPPHIRE_RAPIDS_6.1host.json': { vendor: 'GenuineIntel', fms: [6, 0x8f, 8], kernel: /^6\.1\./, avx512f: 1, amx: 1 },
  'fingerprint_INTEL_SAPPHIRE_RAPIDS_6.18host.json': { vendor: 'GenuineIntel', fms: [6, 0x8f, 8], kernel: /^6\.18\./, avx512f: 1, amx: 1 },
  'fingerprint_INTEL_GRANITE_RAPIDS_6.1host.json': { vendor: 'GenuineIntel', fms: [6, 0xad, 1], kernel: /^6\.1\./, avx512f: 1, amx: 1 },
  'fingerprint_INTEL_GRANITE_RAPIDS_6.18host.json': { vendor: 'GenuineIntel', fms: [6, 0xad, 1], kernel: /^6\.18\./, avx512f: 1, amx: 1 },
  'fingerprint_INTEL_ICELAKE_6.1host.json': { vendor: 'GenuineIntel', fms: [6, 0x6a, 6], kernel: /^6\.1\./, avx512f: 1, amx: 0 },
  'fingerprint_INTEL_CASCADELAKE_6.1host.json': { vendor: 'GenuineIntel', fms: [6, 0x55, 7], kernel: /^6\.1\./, avx512f: 1, amx: 0 },
  'fingerprint_AMD_GENOA_6.1host.json': { vendor: 'AuthenticAMD', fms: [0x19, 0x11, 1], kernel: /^6\.1\./, avx512f: 1, amx: 0 },
  'fingerprint_AMD_MILAN_6.1host.json': { vendor: 'AuthenticAMD', fms: [0x19, 0x01, 1], kernel: /^6\.1\./, avx512f: 0, amx: 0 },
};

const TEMPLATES = ['C3.json', 'T2.json', 'T2A.json', 'T2S.json', 'SPR_TO_T2_6.1.json', 'GNR_TO_T2_6.1.json'];

describe('Firecracker fingerprints from the corpus', () => {
  it('covers every corpus file: fingerprints, templates, and the schema', () => {
    expect([...Object.keys(FINGERPRINTS), ...TEMPLATES, 'schema.json'].sort()).toEqual([...files].sort());
  });

  for (const [file, facts] of Object.entries(FINGERPRINTS)) {
    it(`${file}: full guest CPUID values`, () => {
      expect(detectFormat(read(file))?.format.id).toBe('firecracker');
      const d = parse(file);
      expect(d.valueKind).toBe('values');
      expect(d.cpus).toHaveLength(1);
      expect(d.cpus[0]!.known).toBeUndefined();
      expect(d.meta.vendor).toBe(facts.vendor);
      expect([d.meta.family, d.meta.model, d.meta.stepping]).toEqual(facts.fms);
      expect(d.meta.hypervisor).toBe('KVMKVMKVM');
      expect(bit(d, 1, null, 'ecx', 31)).toBe(1);
      expect(bit(d, 7, 0, 'ebx', 16)).toBe(facts.avx512f);
      expect(bit(d, 7, 0, 'edx', 24)).toBe(facts.amx);
      expect(d.annotations['kernel_version']).toMatch(facts.kernel);
      expect(d.annotations['firecracker_version']).toMatch(/^\d+\.\d+\.\d+/);
      expect(d.annotations['microcode_version']).toMatch(/^0x[0-9a-f]+$/);
      expect(Object.keys(d.annotations)).toEqual(expect.arrayContaining(['bios_version', 'bios_revision']));
      // MSR snapshots come as full 64-bit values.
      expect(d.annotations['msr.0xc0000081']).toMatch(/^0x[0-9a-f]{16}$/);
    });
  }

  it('SPR 6.1 fingerprint: microcode, leaf 0 value, sub-leaves flagged significant', () => {
    const d = parse('fingerprint_INTEL_SAPPHIRE_RAPIDS_6.1host.json');
    expect(d.annotations['microcode_version']).toBe('0x2b000661');
    expect(d.cpus[0]!.table.get(0, null)).toMatchObject({ eax: 0x1f, ebx: 0x756e6547, ecx: 0x6c65746e, edx: 0x49656e69 });
    expect(d.cpus[0]!.table.subleavesOf(4)).toEqual([0, 1, 2, 3, 4]);
    expect(d.cpus[0]!.table.subleavesOf(7)).toEqual([0, 1, 2]);
  });
});

describe('Firecracker custom CPU templates from the corpus', () => {
  it('reads each as ternary: known bits and their forced values', () => {
    for (const file of TEMPLATES) {
      expect(detectFormat(read(file))?.format.id, file).toBe('firecracker');
      const d = parse(file);
      expect(d.valueKind, file).toBe('ternary');
      expect(d.cpus[0]!.known, file).toBeDefined();
      expect(d.cpus[0]!.known!.keys, file).toEqual(d.cpus[0]!.table.keys);
      // A value bit is only set where the bit is known.
      for (const e of d.cpus[0]!.table.entries()) {
        const k = d.cpus[0]!.known!.get(e.leaf, e.subleaf)!;
        for (const r of ['eax', 'ebx', 'ecx', 'edx'] as const) expect((e[r] & ~k[r]) >>> 0, `${file} ${e.leaf} ${r}`).toBe(0);
      }
    }
  });

  it('T2S: 1.EAX forced to family 6 model 0x3f stepping 2; 7.0.EBX[16] AVX512F forced off; MSR 0x10a as a bitmap', () => {
    const d = parse('T2S.json');
    // "0bxxxx000000000011xx00011011110010"
    expect(d.cpus[0]!.known!.regOf(1, null, 'eax')).toBe(0x0fff3fff);
    expect(d.cpus[0]!.table.regOf(1, null, 'eax')).toBe(0x000306f2);
    expect([known(d, 7, 0, 'ebx', 16), bit(d, 7, 0, 'ebx', 16)]).toEqual([1, 0]);
    // 1.EDX[28] HTT is "x" in T2S: not given.
    expect(known(d, 1, null, 'edx', 28)).toBe(0);
    expect(d.cpus[0]!.table.subleavesOf(0xd)).toEqual([0, 1]);
    expect(d.annotations['msr.0x10a']).toBe(`0x${(0b1100000010100000110001001100).toString(16).padStart(16, '0')}`);
  });

  it('T2A is an AMD template; C3 hides AVX512F as well', () => {
    expect([known(parse('C3.json'), 7, 0, 'ebx', 16), bit(parse('C3.json'), 7, 0, 'ebx', 16)]).toEqual([1, 0]);
    expect(parse('T2A.json').cpus[0]!.table.hasLeaf(0x80000001)).toBe(true);
  });

  it('the JSON Schema of the template format is not CPUID data', () => {
    const schema = read('schema.json');
    expect(firecrackerFormat.detect(schema)).toBeNull();
    expect(detectFormat(schema)?.format.id).not.toBe('firecracker');
    expect(formatError(() => firecrackerFormat.parse(schema, 'schema.json')).line).toBe(1);
  });
});

describe('Firecracker bitmaps and errors', () => {
  it('reads bitmaps MSB first, x as unknown, _ as separator, short strings padded with x', () => {
    expect(parseFirecrackerBitmap('0b10x1', 32)).toEqual({ known: 0b1101n, value: 0b1001n });
    expect(parseFirecrackerBitmap('1_0', 32)).toEqual({ known: 0b11n, value: 0b10n });
    expect(parseFirecrackerBitmap('0b', 32)).toEqual({ known: 0n, value: 0n });
    expect(parseFirecrackerBitmap(`0b1${'0'.repeat(31)}`, 32)).toEqual({ known: 0xffffffffn, value: 0x80000000n });
    expect(parseFirecrackerBitmap(`0b1${'0'.repeat(32)}`, 32)).toMatch(/at most 32 bits/);
    expect(parseFirecrackerBitmap(`0b${'1'.repeat(64)}`, 64)).toEqual({ known: 0xffffffffffffffffn, value: 0xffffffffffffffffn });
    expect(parseFirecrackerBitmap('0b102', 32)).toMatch(/not '2'/);
  });

  const template = (entry: string): string => `{\n  "cpuid_modifiers": [\n    {\n${entry}\n    }\n  ]\n}\n`;
  const entry = (over: Record<string, string> = {}): string =>
    Object.entries({ leaf: '"0x7"', subleaf: '"0x0"', flags: '1', modifiers: '[{"register": "ebx", "bitmap": "0b1"}]', ...over })
      .map(([k, v]) => `      "${k}": ${v}`)
      .join(',\n');

  it('applies later modifiers of a register on top of earlier ones', () => {
    const d = firecrackerFormat.parse(template(entry({ modifiers: '[{"register": "ebx", "bitmap": "0b11"}, {"register": "ebx", "bitmap": "0b0x0x"}]' })), 't.json');
    expect(d.cpus[0]!.known!.regOf(7, 0, 'ebx')).toBe(0b1011);
    expect(d.cpus[0]!.table.regOf(7, 0, 'ebx')).toBe(0b0001);
  });

  it('ignores the sub-leaf when flags bit 0 is clear', () => {
    const d = firecrackerFormat.parse(template(entry({ leaf: '"0x80000001"', subleaf: '"0x3"', flags: '0' })), 't.json');
    expect(d.cpus[0]!.table.keys).toEqual([{ leaf: 0x80000001, subleaf: null }]);
    expect(d.warnings.some((w) => /flags bit 0/.test(w.message))).toBe(true);
  });

  it('reports structural errors at the line of the offending entry or value', () => {
    const bad = (over: Record<string, string>): FormatError => formatError(() => firecrackerFormat.parse(template(entry(over)), 't.json'));
    expect(bad({ leaf: '"7"' })).toMatchObject({ line: 4, file: 't.json' }); // decimal leaf
    expect(bad({ leaf: '"0X7"' }).line).toBe(4);
    expect(bad({ subleaf: '"0x100000000"' }).line).toBe(5);
    expect(bad({ flags: '1.5' }).line).toBe(6);
    expect(bad({ flags: '"1"' }).line).toBe(6);
    expect(bad({ modifiers: '[{"register": "ekx", "bitmap": "0b1"}]' }).line).toBe(7);
    expect(bad({ modifiers: `[{"register": "eax", "bitmap": "0b${'1'.repeat(33)}"}]` }).expected).toMatch(/at most 32 bits/);
    const noFlags = formatError(() => firecrackerFormat.parse(template('      "leaf": "0x1", "subleaf": "0x0", "modifiers": []'), 't.json'));
    expect(noFlags.line).toBe(3);
    expect(noFlags.expected).toMatch(/"flags"/);
  });

  it('reports JSON syntax errors at the line where they are', () => {
    const text = read('T2.json');
    const lines = text.split('\n');
    expect(lines[10]).toBe('        },');
    lines[10] = '        }'; // drop a comma: the '{' on the next line is unexpected
    expect(formatError(() => firecrackerFormat.parse(lines.join('\n'), 'T2.json')).line).toBe(12);
    expect(formatError(() => firecrackerFormat.parse('{\r\n  "cpuid_modifiers": [\r\n  }\r\n', 'x.json')).line).toBe(3);
    expect(formatError(() => firecrackerFormat.parse('{"cpuid_modifiers": [', 'x.json')).line).toBe(1);
    expect(formatError(() => firecrackerFormat.parse('  \n', 'x.json')).line).toBe(0);
    expect(formatError(() => firecrackerFormat.parse('[1]\n[2]', 'x.json')).line).toBe(2);
  });

  it('detects fingerprints and templates, not other JSON', () => {
    expect(firecrackerFormat.detect('{"guest_cpu_config": {"cpuid_modifiers": [{"leaf": "0x0"}]}}')?.confidence).toBe(0.95);
    expect(firecrackerFormat.detect('{"cpuid_modifiers": [{"leaf": "0x1"}]}')?.confidence).toBe(0.9);
    expect(firecrackerFormat.detect('{"return": {"model": {"name": "host"}}}')).toBeNull();
    expect(firecrackerFormat.detect("<cpudata arch='x86'>")).toBeNull();
  });
});
