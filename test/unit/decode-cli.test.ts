// `tdx-cpuid decode` as a process (the vitest global setup builds the CLI bundle): exit
// codes, JSON and JSON Lines per cli-contract.md, deterministic bytes, one-line errors.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const corpus = 'test/fixtures/corpus';
const SPR = `${corpus}/aida64_instlatx64/GenuineIntel00806F8_SapphireRapids_05_CPUID.txt`;
const ADL = `${corpus}/aida64_instlatx64/GenuineIntel0090672_AlderLake_03_CPUID.txt`;
const BHYVE = `${corpus}/etallen_cpuid/local_bhyve-guest_AMD-Turin-like_cpuid-r.txt`;
const CPUINFO = `${corpus}/proc_cpuinfo/local_bhyve-guest_AMD-Turin-like_proc_cpuinfo.txt`;
const HWLOC_BUNDLE = `${corpus}/hwloc_gather_cpuid/Intel-RaptorLake-Corei7-1370P.tar.bz2`;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/tdx-cpuid.mjs', 'decode', ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Feature {
  readonly leaf: number;
  readonly subleaf: number | null;
  readonly reg: string;
  readonly bit: number;
  readonly name: string;
  readonly value: number | null;
}
interface Report {
  readonly schema: string;
  readonly source: { readonly path: string; readonly sha256: string; readonly format: string; readonly cpuCount: number; readonly vendor: string; readonly family: number; readonly model: number; readonly stepping: number };
  readonly cpu: number;
  readonly features: readonly Feature[];
  readonly heterogeneous: readonly { readonly leaf: number; readonly bits: readonly number[]; readonly name?: string; readonly cpus: Record<string, number> }[];
  readonly cpus?: readonly { readonly cpu: number; readonly leaves: readonly unknown[]; readonly features: readonly Feature[] }[];
}

describe('tdx-cpuid decode', () => {
  it('prints the contract JSON for one file, on one line', () => {
    const r = run(SPR, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.indexOf('\n')).toBe(r.stdout.length - 1);
    const j = JSON.parse(r.stdout) as Report;
    expect(Object.keys(j).slice(0, 7)).toEqual(['schema', 'source', 'cpu', 'leaves', 'features', 'fields', 'heterogeneous']);
    expect(j.schema).toBe('tdx-cpuid/decode/v1');
    expect(j.source).toMatchObject({ path: SPR, format: 'aida64', cpuCount: 40, vendor: 'GenuineIntel', family: 6, model: 143, stepping: 8 });
    expect(j.source.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(j.cpu).toBe(0);
    expect(j.features.find((f) => f.name === 'avx512f')).toEqual({ leaf: 7, subleaf: 0, reg: 'ebx', bit: 16, name: 'avx512f', value: 1 });
    expect(j.features.some((f) => f.value === 0)).toBe(true);
  });

  it('prints JSON Lines, one object per file in argument order', () => {
    const r = run('--json', ADL, BHYVE, SPR);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const objs = lines.map((l) => JSON.parse(l) as Report);
    expect(objs.map((o) => o.source.path)).toEqual([ADL, BHYVE, SPR]);
    expect(objs[0]!.heterogeneous).toContainEqual({ leaf: 26, subleaf: null, reg: 'eax', bits: [24, 31], name: 'core_type', cpus: { '0': 64, '16': 32 } });
    expect(objs[0]!.features.find((f) => f.name === 'avx512f')?.value).toBe(0);
  });

  it('decodes every CPU with --all-cpus and one CPU with --cpu', () => {
    const r = run(ADL, '--all-cpus', '--json');
    expect(r.stderr).toBe('');
    expect(r.code, r.stderr).toBe(0);
    const all = JSON.parse(r.stdout) as Report;
    expect(all.cpus).toHaveLength(24);
    expect(all.cpus!.map((c) => c.cpu)).toEqual([...Array(24).keys()]);
    const coreType = (c: NonNullable<Report['cpus']>[number]) => c.leaves.find((l) => (l as { leaf: number }).leaf === 0x1a) as { eax: number };
    expect(coreType(all.cpus![0]!).eax >>> 24).toBe(0x40);
    expect(coreType(all.cpus![20]!).eax >>> 24).toBe(0x20);
    const one = JSON.parse(run(ADL, '--cpu', '20', '--json').stdout) as Report;
    expect(one.cpu).toBe(20);
  });

  it('prints the same bytes twice', () => {
    const a = run('--json', '--all-cpus', ADL, BHYVE);
    const b = run('--json', '--all-cpus', ADL, BHYVE);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(run(ADL).stdout).toBe(run(ADL).stdout);
  });

  it('prints readable text grouped by leaf, with the heterogeneity', () => {
    const r = run(ADL);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^0x00000007\.0 +eax=0x00000002 ebx=0x239c27eb/m);
    expect(r.stdout).toMatch(/^ {4}set: .*\bavx2\b/m);
    expect(r.stdout).toContain('0x1A.EAX[31:24] core_type: CPUs 0-15 = 0x40, CPUs 16-23 = 0x20');
    expect(r.stdout).not.toMatch(/local_apic_id:/);
    const f = run(CPUINFO);
    expect(f.code).toBe(0);
    expect(f.stdout).toContain('feature flags only (/proc/cpuinfo)');
  });

  it('exits 2 with one line naming file, line and what was expected', () => {
    const dir = mkdtempSync(join(tmpdir(), 'decode-cli-'));
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'processor\t: 0\nflags\t\t: fpu vme\nthis is not a key value line\n');
    const r = run(bad);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^tdx-cpuid: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3 \\(proc-cpuinfo\\): expected .+\\n$`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // A bad second file: nothing is printed for the first.
    const two = run('--json', SPR, bad);
    expect(two.code).toBe(2);
    expect(two.stdout).toBe('');
    const forced = run('--format', 'cpuid-r', SPR);
    expect(forced.code).toBe(2);
    expect(forced.stderr).toMatch(/:1 \(cpuid-r\): expected /);
  });

  it('exits 2 for usage errors and inputs that are not CPUID dumps', () => {
    expect(run(ADL, '--cpu', '99').stderr).toMatch(/no CPU 99 \(the dump has CPUs 0\.\.23\)/);
    expect(run(ADL, '--cpu', '99').code).toBe(2);
    expect(run(ADL, '--cpu', 'x').code).toBe(2);
    expect(run(ADL, '--cpu', '1', '--all-cpus').code).toBe(2);
    expect(run('no/such/file').code).toBe(2);
    expect(run().code).toBe(2);
    const dmesg = run('test/fixtures/ingest/dmesg-ubuntu-6.8-intel.txt');
    expect(dmesg.code).toBe(2);
    expect(dmesg.stderr).toMatch(/expected a CPUID dump/);
  });

  it('reads an hwloc-gather-cpuid bundle (.tar.bz2)', () => {
    const r = run(HWLOC_BUNDLE, '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Report;
    expect(j.source).toMatchObject({ vendor: 'GenuineIntel', family: 6, model: 186 });
    expect(j.source.cpuCount).toBe(20);
  });

  it('skips files inside a bundle that are not CPUID dumps, with a note', () => {
    const r = run(`${corpus}/hwloc_gather_cpuid/Intel-CPUID.1F-Qemu-2p3d3c2t.tar.bz2`, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/note: .*README .*not a CPUID dump; skipped/);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect((JSON.parse(lines[0]!) as Report).source.format).toBe('hwloc');
  });
});
