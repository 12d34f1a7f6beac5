import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Reg } from '../model/address';
import type { CpuidDump } from '../model/dump';
import { FormatError } from '../model/errors';
import { registerDifferences } from '../model/heterogeneity';
import { aida64Format, detectAida64, parseAida64 } from './aida64';
import { detectFormat } from './registry';

const dir = join(__dirname, '../../test/fixtures/corpus/aida64_instlatx64');
const read = (name: string): string => readFileSync(join(dir, name), 'utf8');

/** CPU sections counted straight from the text, by whichever header style the file uses. */
function countSections(text: string): number {
  const count = (re: RegExp): number => text.split('\n').filter((l) => re.test(l)).length;
  const byHeader = Math.max(
    count(/^------\[ CPUID Registers \/ Logical CPU #\d+ \]------$/),
    count(/^CPU#\d+ AffMask: 0x/),
    count(/^Group: 0x[0-9A-F]+ Affinity mask: 0x/i),
    count(/^CPU \d+:$/),
  );
  // Header-less files: every block starts with leaf 0.
  return byHeader > 0 ? byHeader : count(/^CPUID 00000000:/);
}

const bit = (d: CpuidDump, cpu: number, leaf: number, subleaf: number | null, reg: Reg, b: number): 0 | 1 | undefined =>
  d.cpus[cpu]!.table.bit({ leaf, subleaf, reg, bit: b });

interface Facts {
  readonly file: string;
  readonly vendor: string;
  readonly family: number;
  readonly model: number;
  readonly stepping: number;
  readonly brand: string;
  /** 7.0.EBX[16] AVX512F, 7.0.EDX[24] AMX-TILE on CPU 0. */
  readonly avx512f: 0 | 1;
  readonly amxTile: 0 | 1;
}

// Brand strings and signatures as they stand in leaves 0x80000002-4 and 1 of each file
// (the file name carries the signature: GenuineIntel00C06F2 = family 6, model 0xCF, stepping 2).
const FACTS: readonly Facts[] = [
  { file: 'AuthenticAMD0A10F11_K19_Genoa_02_CPUID.txt', vendor: 'AuthenticAMD', family: 0x19, model: 0x11, stepping: 1, brand: 'AMD EPYC 9124 16-Core Processor', avx512f: 1, amxTile: 0 },
  { file: 'AuthenticAMD0A70F52_K19_HawkPoint_01_CPUID.txt', vendor: 'AuthenticAMD', family: 0x19, model: 0x75, stepping: 2, brand: 'AMD Ryzen 7 8845HS w/ Radeon 780M Graphics', avx512f: 1, amxTile: 0 },
  { file: 'AuthenticAMD0B00F21_K20_Turin_01_CPUID.txt', vendor: 'AuthenticAMD', family: 0x1a, model: 0x02, stepping: 1, brand: 'AMD EPYC 9655 96-Core Processor', avx512f: 1, amxTile: 0 },
  { file: 'GenuineIntel0050654_SkylakeXeon_20_CPUID.txt', vendor: 'GenuineIntel', family: 6, model: 0x55, stepping: 4, brand: 'Intel(R) Xeon(R) Platinum 8160 CPU @ 2.10GHz', avx512f: 1, amxTile: 0 },
  { file: 'GenuineIntel0050654_SkylakeXeon_CPUID16.txt', vendor: 'GenuineIntel', family: 6, model: 0x55, stepping: 4, brand: 'Intel(R) Xeon(R) Gold 6146 CPU @ 3.20GHz', avx512f: 1, amxTile: 0 },
  { file: 'GenuineIntel0050657_CascadeLakeXeon2_CPUID.txt', vendor: 'GenuineIntel', family: 6, model: 0x55, stepping: 7, brand: 'Intel(R) Xeon(R) Gold 6226R CPU @ 2.90GHz', avx512f: 1, amxTile: 0 },
  { file: 'GenuineIntel00606A6_ICX_04_CPUID.txt', vendor: 'GenuineIntel', family: 6, model: 0x6a, stepping: 6, brand: 'Intel(R) Xeon(R) Gold 6336Y CPU @ 2.40GHz', avx512f: 1, amxTile: 0 },
  { file: 'GenuineIntel00606A6_ICX_CPUID2.txt', vendor: 'GenuineIntel', family: 6, model: 0x6a, stepping: 6, brand: 'Intel(R) Xeon(R) Gold 6330 CPU @ 2.00GHz', avx512f: 1, amxTile: 0 },
  { file: 'GenuineIntel00606C1_ICX_01v_CPUID.txt', vendor: 'GenuineIntel', family: 6, model: 0x6c, stepping: 1, brand: 'Intel(R) Xeon(R) D-1718T CPU @ 2.60GHz', avx512f: 1, amxTile: 0 },
  { file: 'GenuineIntel00806F8_SapphireRapids_05_CPUID.txt', vendor: 'GenuineIntel', family: 6, model: 0x8f, stepping: 8, brand: 'Intel(R) Xeon(R) w7-2475X', avx512f: 1, amxTile: 1 },
  { file: 'GenuineIntel00806F8_SapphireRapids_06_CPUID.txt', vendor: 'GenuineIntel', family: 6, model: 0x8f, stepping: 8, brand: 'Intel(R) Xeon(R) w9-3475X', avx512f: 1, amxTile: 1 },
  { file: 'GenuineIntel0090672_AlderLake_03_CPUID.txt', vendor: 'GenuineIntel', family: 6, model: 0x97, stepping: 2, brand: '12th Gen Intel(R) Core(TM) i7-12800HX', avx512f: 0, amxTile: 0 },
  { file: 'GenuineIntel0090675_AlderLake_00_CPUID.txt', vendor: 'GenuineIntel', family: 6, model: 0x97, stepping: 5, brand: '12th Gen Intel(R) Core(TM) i3-12100', avx512f: 0, amxTile: 0 },
  { file: 'GenuineIntel00A06A4_MeteorLake_07_CPUID.txt', vendor: 'GenuineIntel', family: 6, model: 0xaa, stepping: 4, brand: 'Intel(R) Core(TM) Ultra 5 125H', avx512f: 0, amxTile: 0 },
  { file: 'GenuineIntel00A06D1_GraniteRapids_03_CPUID.txt', vendor: 'GenuineIntel', family: 6, model: 0xad, stepping: 1, brand: 'Intel(R) Xeon(R) 658X', avx512f: 1, amxTile: 1 },
  { file: 'GenuineIntel00C0662_ArrowLake_07_CPUID.txt', vendor: 'GenuineIntel', family: 6, model: 0xc6, stepping: 2, brand: 'Intel(R) Core(TM) Ultra 5 245K', avx512f: 0, amxTile: 0 },
  { file: 'GenuineIntel00C06F2_EmeraldRapids_01_CPUID.txt', vendor: 'GenuineIntel', family: 6, model: 0xcf, stepping: 2, brand: 'INTEL(R) XEON(R) GOLD 5520+', avx512f: 1, amxTile: 1 },
  { file: 'GenuineIntel00C06F2_EmeraldRapids_02_CPUID.txt', vendor: 'GenuineIntel', family: 6, model: 0xcf, stepping: 2, brand: 'INTEL(R) XEON(R) SILVER 4514Y', avx512f: 1, amxTile: 1 },
  { file: 'GenuineIntel00C06F2_EmeraldRapids_03_CPUID.txt', vendor: 'GenuineIntel', family: 6, model: 0xcf, stepping: 2, brand: 'INTEL(R) XEON(R) PLATINUM 8570', avx512f: 1, amxTile: 1 },
  { file: 'HygonGenuine0900F02_Hygon_CPUID3.txt', vendor: 'HygonGenuine', family: 0x18, model: 0, stepping: 2, brand: 'Hygon C86 3188  8-core Processor', avx512f: 0, amxTile: 0 },
];

describe('AIDA64 reader on every InstLatx64 corpus file', () => {
  for (const f of FACTS) {
    it(f.file, () => {
      const text = read(f.file);
      expect(detectFormat(text)?.format.id).toBe('aida64');
      const d = parseAida64(text, f.file);
      expect(d.cpus.length).toBe(countSections(text));
      expect(d.meta).toMatchObject({ vendor: f.vendor, family: f.family, model: f.model, stepping: f.stepping, brand: f.brand });
      expect(bit(d, 0, 7, 0, 'ebx', 16)).toBe(f.avx512f);
      expect(bit(d, 0, 7, 0, 'edx', 24)).toBe(f.amxTile);
      // Every CPU has its own leaf 0 and leaf 1; CPU ids are unique.
      for (const cpu of d.cpus) expect(cpu.table.get(1, null)?.eax).toBe(d.meta.signature);
      expect(new Set(d.cpus.map((c) => c.id)).size).toBe(d.cpus.length);
    });
  }

  it('reads the leaves of a section and nothing from its MSR section', () => {
    const text = read('GenuineIntel00806F8_SapphireRapids_05_CPUID.txt');
    const firstSection = text.slice(0, text.indexOf('------[ CPUID Registers / Logical CPU #1 ]'));
    const lines = firstSection.split('\n').filter((l) => l.startsWith('CPUID '));
    const d = parseAida64(text, 'spr');
    expect(d.cpus[0]!.table.size).toBe(lines.length);
    // `MSR 00000017: 0004-0000-0000-0000 [PlatID = 1]` must not become leaf 0x17.
    expect(d.cpus[0]!.table.get(0x17, 0)?.eax).toBe(0);
  });

  it('takes [SL nn] as hex: [SL 11]/[SL 12] on leaf 0xD are AMX TILECFG/TILEDATA (sub-leaves 17, 18)', () => {
    for (const file of ['GenuineIntel00806F8_SapphireRapids_05_CPUID.txt', 'GenuineIntel00C06F2_EmeraldRapids_01_CPUID.txt', 'GenuineIntel00A06D1_GraniteRapids_03_CPUID.txt']) {
      const t = parseAida64(read(file), file).cpus[0]!.table;
      // CPUID 0000000D: 00000040-00000AC0-00000002-00000000 [SL 11]; 00002000-00000B00-... [SL 12]
      expect(t.get(0xd, 17)).toMatchObject({ eax: 0x40, ebx: 0xac0 });
      expect(t.get(0xd, 18)).toMatchObject({ eax: 0x2000, ebx: 0xb00 });
      // [SL 0B] is CET_U (sub-leaf 11): [SL 11] did not land there.
      expect(t.get(0xd, 11)?.eax).toBe(0x10);
    }
  });

  it('infers untagged repeated sub-leaves from their order, and says so', () => {
    const d = parseAida64(read('GenuineIntel00606A6_ICX_04_CPUID.txt'), 'icx04');
    const t = d.cpus[0]!.table;
    expect(t.subleavesOf(4)).toEqual([0, 1, 2, 3]);
    expect(t.get(4, 3)?.eax).toBe(0x7c0fc163);
    expect(t.subleavesOf(0xd)).toEqual([0, 1, 2]);
    expect(d.warnings.some((w) => /leaf 0xd is repeated without \[SL nn\] tags/.test(w.message))).toBe(true);
    // One warning per leaf for the whole file, not one per CPU.
    expect(d.warnings.filter((w) => w.message.includes('leaf 0x4 ')).length).toBe(1);
    // A tagged file raises no such warning.
    expect(parseAida64(read('GenuineIntel00806F8_SapphireRapids_05_CPUID.txt'), 'spr').warnings).toEqual([]);
  });

  it('reads etallen-style CPU N: hybrids with lower-case hex and recognises probe echoes', () => {
    const d = parseAida64(read('GenuineIntel0050654_SkylakeXeon_CPUID16.txt'), 'skx16');
    expect(d.cpus.map((c) => c.id)).toEqual([...Array(24).keys()]);
    // CPUID 80860000 / c0000000 repeat leaf 0x16 (`00000c80-00001068-00000064-00000000`): not leaves.
    expect(d.probeEchoes.map((p) => [p.leaf, p.reason])).toEqual([
      [0x80860000, 'echo-of-max-basic-leaf'],
      [0xc0000000, 'echo-of-max-basic-leaf'],
    ]);
    for (const cpu of d.cpus) expect(cpu.table.hasLeaf(0x80860000) || cpu.table.hasLeaf(0xc0000000)).toBe(false);
    expect(d.cpus[1]!.table.get(1, null)?.ebx).toBe(0x02400800);
  });

  it('takes CPU numbers from CPU#nnn AffMask headers (also >64 CPUs with :-joined masks)', () => {
    const d = parseAida64(read('GenuineIntel00606A6_ICX_CPUID2.txt'), 'icx2');
    expect(d.cpus.map((c) => c.id)).toEqual([...Array(112).keys()]);
    expect(d.cpus[65]!.label).toBe('CPU#065 AffMask: 0x0000000000000200:0000000000000000');
  });

  it('numbers Group: affinity-mask blocks by group and mask bit', () => {
    const d = parseAida64(read('AuthenticAMD0A70F52_K19_HawkPoint_01_CPUID.txt'), 'hpt');
    expect(d.cpus.map((c) => c.id)).toEqual([...Array(16).keys()]);
  });

  it('splits header-less files into blocks at blank lines', () => {
    const d = parseAida64(read('GenuineIntel0090675_AlderLake_00_CPUID.txt'), 'adl00');
    expect(d.cpus.length).toBe(8);
    // APIC IDs in 1.EBX[31:24] of the blocks: each block is its own CPU
    expect(new Set(d.cpus.map((c) => c.table.get(1, null)!.ebx >>> 24)).size).toBe(8);
  });

  it('reads topology from allcpu: lines and the All CPUs table', () => {
    const d = parseAida64(read('GenuineIntel00C06F2_EmeraldRapids_01_CPUID.txt'), 'emr');
    expect(d.meta.packages).toBe(2);
    // allcpu: Package 0 / Core 0 / Thread 1: Valid, Virtual; CPU   1: APICID    1 / ...
    expect(d.cpus[1]!.topology).toMatchObject({ package: 0, core: 0, thread: 1, apicId: 1 });
    const second = d.cpus.find((c) => c.topology?.package === 1)!;
    expect(second.id).toBe(56);
    // The x2APIC ID in leaf 0xB EDX agrees with the APIC ID of the All CPUs table.
    for (const cpu of d.cpus) expect(cpu.table.get(0xb, 0)?.edx).toBe(cpu.topology?.apicId);
    // A quoted paste keeps the allcpu: topology.
    // (The All CPUs rows are taken out, so the numbers can only come from the quoted lines.)
    const spr = read('GenuineIntel00806F8_SapphireRapids_05_CPUID.txt').replace(/^allcpu:/gm, '> allcpu:').replace(/^CPU +\d+: APICID.*$/gm, '');
    const quoted = parseAida64(spr, 'q');
    expect(quoted.cpus[1]!.topology).toEqual({ package: 0, core: 0, thread: 1 });
  });

  it('names hybrid core types and reports the 0x1A difference', () => {
    const adl = parseAida64(read('GenuineIntel0090672_AlderLake_03_CPUID.txt'), 'adl');
    const types = new Map(adl.cpus.map((c) => [c.table.get(0x1a, null)!.eax >>> 24, c.topology?.coreType]));
    expect(types).toEqual(
      new Map([
        [0x40, 'Core'],
        [0x20, 'Atom'],
      ]),
    );
    const diff = registerDifferences(adl).find((r) => r.leaf === 0x1a && r.reg === 'eax');
    expect(diff?.diffMask).toBe(0x60000000);
    const arl = parseAida64(read('GenuineIntel00C0662_ArrowLake_07_CPUID.txt'), 'arl');
    expect(new Set(arl.cpus.map((c) => c.topology?.coreType))).toEqual(new Set(['Core: Lion Cove', 'Atom: Skymont']));
    const mtl = parseAida64(read('GenuineIntel00A06A4_MeteorLake_07_CPUID.txt'), 'mtl');
    expect(new Set(mtl.cpus.map((c) => c.table.get(0x1a, null)!.eax))).toEqual(new Set([0x40000002, 0x20000002]));
    const turin = parseAida64(read('AuthenticAMD0B00F21_K20_Turin_01_CPUID.txt'), 'turin');
    expect(turin.cpus[0]!.topology?.coreType).toBe('AMD P-Core');
    // Non-hybrid parts: no 0x1A difference.
    expect(registerDifferences(parseAida64(read('GenuineIntel00806F8_SapphireRapids_05_CPUID.txt'), 'spr')).some((r) => r.leaf === 0x1a)).toBe(false);
  });

  it('sees the hypervisor in a virtualised dump', () => {
    const d = parseAida64(read('GenuineIntel00606C1_ICX_01v_CPUID.txt'), 'icx01v');
    expect(bit(d, 0, 1, null, 'ecx', 31)).toBe(1);
    expect(d.meta.hypervisor).toBe('Microsoft Hv');
    const host = parseAida64(read('GenuineIntel00806F8_SapphireRapids_05_CPUID.txt'), 'spr');
    expect(bit(host, 0, 1, null, 'ecx', 31)).toBe(0);
    expect(host.meta.hypervisor).toBeNull();
  });

  it('skips the report sections of a full AIDA64 report and keeps their facts', () => {
    const d = parseAida64(read('GenuineIntel00C0662_ArrowLake_07_CPUID.txt'), 'arl');
    expect(d.annotations['tool']).toBe('AIDA64 Engineer v7.35.7030 Beta');
    expect(d.annotations['cpuAlias']).toBe('Arrow Lake-S');
    expect(d.cpus.length).toBe(14);
  });

  it('reads a libcpuid .test file that wraps an AIDA64 dump and stops at its results', () => {
    const file = join(__dirname, '../../test/fixtures/corpus/libcpuid_tests/intel-core-ultra-7-265k.test');
    const text = readFileSync(file, 'utf8');
    expect(detectFormat(text)?.format.id).toBe('aida64');
    const d = parseAida64(text, 'arl.test');
    expect(d.cpus.length).toBe(countSections(text));
    expect(d.meta.brand).toBe('Intel(R) Core(TM) Ultra 7 265K');
    expect(d.annotations['trailer']).toMatch(/line 1700/);
  });
});

/** The SPR w7-2475X dump rewritten into other header styles and line shapes. */
describe('AIDA64 header variants and line shapes', () => {
  const base = read('GenuineIntel00806F8_SapphireRapids_05_CPUID.txt');
  const original = parseAida64(base, 'spr');
  // Only the CPUID sections, without the All CPUs/MSR parts, for rewriting.
  const sections = base
    .slice(0, base.indexOf('------[ All CPUs ]------'))
    .split(/^------\[ CPUID Registers \/ Logical CPU #\d+ \]------$/m)
    .slice(1)
    .map((s) => s.split('\n').filter((l) => l.startsWith('CPUID ')));

  const sameRegisters = (d: CpuidDump): void => {
    expect(d.cpus.length).toBe(original.cpus.length);
    d.cpus.forEach((c, i) => {
      expect(c.id).toBe(i);
      expect(c.table.equals(original.cpus[i]!.table)).toBe(true);
    });
  };
  const build = (header: (i: number) => string, sep = '\n', line: (l: string) => string = (l) => l): string =>
    sections.map((ls, i) => `${header(i)}${ls.map(line).join('\n')}\n`).join(sep);

  it('------[ Logical CPU #N ]------', () => sameRegisters(parseAida64(build((i) => `------[ Logical CPU #${i} ]------\n\n`), 'x')));

  it('CPUID Registers (CPU #N): counted from 1 is re-based to 0', () => {
    const d = parseAida64(build((i) => `CPUID Registers (CPU #${i + 1}):\n`), 'x');
    sameRegisters(d);
    expect(d.annotations['numbering']).toMatch(/from 0/);
  });

  it('CPU#n AffMask and Group: headers', () => {
    sameRegisters(parseAida64(build((i) => `CPU#${String(i).padStart(3, '0')} AffMask: 0x${(1n << BigInt(i)).toString(16).padStart(16, '0')} \n`), 'x'));
    sameRegisters(parseAida64(build((i) => `Group: 0x00 Affinity mask: 0x${(1n << BigInt(i)).toString(16).padStart(16, '0')}\n`), 'x'));
  });

  it('bare blocks separated by blank lines, and a single block', () => {
    sameRegisters(parseAida64(build(() => '', '\n\n'), 'x'));
    const one = parseAida64(`${sections[0]!.join('\n')}\n`, 'x');
    expect(one.cpus.length).toBe(1);
    expect(one.cpus[0]!.table.equals(original.cpus[0]!.table)).toBe(true);
  });

  it('etallen-style CPU N: headers with lower-case hex', () => {
    sameRegisters(parseAida64(build((i) => `CPU ${i}:\n`, '', (l) => l.replace(/^CPUID ([0-9A-F]{8}): ([0-9A-F-]{35})/, (_m, a: string, b: string) => `CPUID ${a.toLowerCase()}: ${b.toLowerCase()}`)), 'x'));
  });

  it('space-separated registers, no colon, tabs, trailing blanks, CRLF, quoted paste', () => {
    const shapes: ((l: string) => string)[] = [
      (l) => l.replace(/^CPUID ([0-9A-F]{8}): ([0-9A-F]{8})-([0-9A-F]{8})-([0-9A-F]{8})-([0-9A-F]{8})/, 'CPUID $1 : $2 $3 $4 $5'),
      (l) => l.replace(/^CPUID ([0-9A-F]{8}): /, 'CPUID $1 '),
      (l) => l.replace(/^CPUID ([0-9A-F]{8}): /, 'CPUID $1  \t'),
      (l) => `${l}   `,
      (l) => `> ${l}\r`,
    ];
    for (const shape of shapes) sameRegisters(parseAida64(build((i) => `------[ CPUID Registers / Logical CPU #${i} ]------\n`, '\n', shape), 'x'));
  });

  it('multi-annotation lines with a stray ] are read as registers plus text', () => {
    const d = parseAida64('CPUID 00000000: 00000020-756E6547-6C65746E-49656E69 [GenuineIntel]\nCPUID 80000006: 00000000-00000000-08007040-00000000 [L2: 2048 KB] / L3: 0 KB]\nCPUID 00000004: FC004121-02C0003F-0000003F-00000000 [SL 00] [L1D: 48 KB]\n', 'x');
    expect(d.cpus[0]!.table.get(0x80000006, null)?.ecx).toBe(0x08007040);
    expect(d.cpus[0]!.table.get(4, 0)?.eax).toBe(0xfc004121);
  });
});

describe('AIDA64 reader errors', () => {
  const expectError = (text: string, line: number, pattern: RegExp): void => {
    let err: unknown;
    try {
      parseAida64(text, 'dump.txt');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).line).toBe(line);
    expect((err as FormatError).message).toMatch(pattern);
  };

  it('names the line and what was expected', () => {
    expectError('CPUID 00000000: 00000020-756E6547-6C65746E-49656E69\nCPUID 00000001: 000806F8-0080080G-7FFEFBFF-BFEBFBFF\n', 2, /dump\.txt:2 \(aida64\): expected .*only hex digits in EBX/);
    expectError('\n\nCPUID 00000001: 000806F8-00800800\n', 3, /'-' between the registers|a hex value for ECX/);
    expectError('CPUID 0000000D: 000602E7-00002B00-00002B00-00000000 [SL xx]\n', 1, /sub-leaf tag/);
    expectError('CPUID 00000001: 123456789-00800800-7FFEFBFF-BFEBFBFF\n', 1, /at most 8 hex digits for EAX/);
  });

  it('line 0 only for an empty file; otherwise the first line', () => {
    expectError('', 0, /empty file/);
    expectError('  \n\n', 0, /empty file/);
    expectError('\nhello\nworld\n', 2, /AIDA64 CPUID dump.*found "hello"/);
  });

  it('detects content, not names, and stays quiet on other dumps', () => {
    expect(detectAida64('   0x00000000 0x00: eax=0x0000000d ebx=0x68747541 ecx=0x444d4163 edx=0x69746e65\n')).toBeNull();
    expect(aida64Format.detect('basic_cpuid[0]=0000000d 68747541 444d4163 69746e65\n')).toBeNull();
  });
});
