import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CpuidDump } from '../model/dump';
import { FormatError } from '../model/errors';
import { parseInput } from './registry';
import { detectWorkbenchJson, parseWorkbenchJson } from './workbench-json';
import { writeDumpJson } from './write-dump-json';

const corpus = join(__dirname, '../../test/fixtures/corpus');
const load = (rel: string): CpuidDump => {
  const parsed = parseInput(readFileSync(join(corpus, rel), 'utf8'), rel).parsed;
  if (parsed.kind !== 'cpuid') throw new Error(`${rel} is not a CPUID dump`);
  return parsed;
};

function expectError(text: string, line: number, pattern: RegExp): void {
  let err: unknown;
  try {
    parseWorkbenchJson(text, 'dump.json');
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(FormatError);
  expect((err as FormatError).line).toBe(line);
  expect((err as FormatError).message).toMatch(pattern);
}

describe('workbench JSON dump', () => {
  it('reads back what the writer wrote: registers, sub-leaves, topology, labels, annotations', () => {
    const d = load('aida64_instlatx64/GenuineIntel00C0662_ArrowLake_07_CPUID.txt');
    const json = writeDumpJson(d);
    expect(detectWorkbenchJson(json)?.confidence).toBeGreaterThan(0.95);
    expect(parseInput(json, 'arl.json').format.id).toBe('workbench-json');
    const back = parseWorkbenchJson(json, 'arl.json');
    expect(back.cpus.length).toBe(d.cpus.length);
    back.cpus.forEach((c, i) => {
      const o = d.cpus[i]!;
      expect(c.id).toBe(o.id);
      expect(c.label).toBe(o.label);
      expect(c.topology).toEqual(o.topology);
      expect(c.table.keys).toEqual(o.table.keys);
      expect(c.table.equals(o.table)).toBe(true);
    });
    expect(back.meta).toEqual(d.meta);
    expect(back.annotations['convertedFrom']).toBe('aida64');
    expect(back.annotations['tool']).toBe(d.annotations['tool']);
  });

  it('keeps valueKind and known bits of mask and ternary dumps, and probe echoes', () => {
    for (const rel of ['libvirt_cputestdata/x86_64-cpuid-Xeon-6731E-enabled.xml', 'firecracker/T2S.json', 'etallen_cpuid/local_bhyve-guest_AMD-Turin-like_cpuid-r.txt']) {
      const d = load(rel);
      const back = parseWorkbenchJson(writeDumpJson(d), 'x.json');
      expect(back.valueKind).toBe(d.valueKind);
      expect(back.probeEchoes).toEqual(d.probeEchoes);
      back.cpus.forEach((c, i) => {
        expect(c.table.equals(d.cpus[i]!.table)).toBe(true);
        expect(c.known === undefined).toBe(d.cpus[i]!.known === undefined);
        if (c.known) expect(c.known.equals(d.cpus[i]!.known!)).toBe(true);
      });
    }
  });
});

describe('workbench JSON errors carry the line', () => {
  const good = (leaf: string): string => `{\n  "schema": "tdx-cpuid/dump/v1",\n  "valueKind": "values",\n  "cpus": [\n    {\n      "id": 0,\n      "leaves": [\n        {"leaf": 0, "subleaf": null, "eax": 1, "ebx": 0, "ecx": 0, "edx": 0},\n        ${leaf}\n      ]\n    }\n  ]\n}\n`;

  it('a value out of range, a missing register, a wrong type', () => {
    expectError(good('{"leaf": 1, "subleaf": null, "eax": 4294967296, "ebx": 0, "ecx": 0, "edx": 0}'), 9, /cpus\[0\]\.leaves\[1\]\.eax/);
    expectError(good('{"leaf": 1, "subleaf": null, "eax": 1, "ebx": 0, "ecx": 0}'), 9, /cpus\[0\]\.leaves\[1\]\.edx/);
    expectError(good('{"leaf": "1", "subleaf": null, "eax": 1, "ebx": 0, "ecx": 0, "edx": 0}'), 9, /leaves\[1\]\.leaf/);
  });

  it('duplicates, wrong schema, syntax errors, empty input', () => {
    expectError(good('{"leaf": 0, "subleaf": null, "eax": 1, "ebx": 0, "ecx": 0, "edx": 0}'), 9, /leaf 0 sub-leaf null repeats/);
    expectError(good('{"leaf": 1, "subleaf": null, "eax": 1, "ebx": 0, "ecx": 0, "edx": 0}').replace('dump/v1', 'dump/v9'), 2, /schema/);
    expectError(good('{"leaf": 1, "subleaf": null, "eax": 1 "ebx": 0}'), 9, /expected/);
    expectError('{\n  "schema": "tdx-cpuid/dump/v1",\n', 3, /expected/);
    expectError('', 0, /empty file/);
  });
});
