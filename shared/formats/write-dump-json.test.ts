import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CpuidDump } from '../model/dump';
import { parseInput } from './registry';
import { parseWorkbenchJson } from './workbench-json';
import { writeDumpJson } from './write-dump-json';

const corpus = join(__dirname, '../../test/fixtures/corpus');
const load = (rel: string): CpuidDump => {
  const parsed = parseInput(readFileSync(join(corpus, rel), 'utf8'), rel).parsed;
  if (parsed.kind !== 'cpuid') throw new Error(`${rel} is not a CPUID dump`);
  return parsed;
};

describe('workbench JSON writer', () => {
  it('is deterministic and stable through a round trip', () => {
    const d = load('aida64_instlatx64/GenuineIntel0090672_AlderLake_03_CPUID.txt');
    const a = writeDumpJson(d, { sourcePath: 'p', sourceSha256: 'abc' });
    expect(writeDumpJson(d, { sourcePath: 'p', sourceSha256: 'abc' })).toBe(a);
    const again = writeDumpJson(parseWorkbenchJson(a, d.name));
    // Same leaves and CPUs; only the source format and annotations say it went through JSON.
    expect(again.slice(again.indexOf('"cpus"'))).toBe(a.slice(a.indexOf('"cpus"')));
    expect(JSON.parse(a).cpus[0].leaves[1]).toEqual({ leaf: 1, subleaf: null, eax: 0x90672, ebx: 0x800800, ecx: 0x7ffafbbf, edx: 0xbfebfbff });
  });

  it('writes only the chosen CPUs', () => {
    const d = load('aida64_instlatx64/GenuineIntel0090672_AlderLake_03_CPUID.txt');
    const one = parseWorkbenchJson(writeDumpJson(d, { cpus: [16] }), 'x');
    expect(one.cpus.map((c) => c.id)).toEqual([16]);
  });
});
