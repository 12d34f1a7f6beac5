// `tdx-cpuid rules`, `diff` and `baseline` as processes (the vitest global setup builds the
// CLI bundle): JSON schemas of the contract, text and Markdown, exit codes with --fail-on,
// one-line usage errors, deterministic bytes, report files.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const corpus = 'test/fixtures/corpus';
const BRONZE = `${corpus}/libvirt_cputestdata/x86_64-cpuid-Xeon-Bronze-3408U.xml`;
const GOLD = `${corpus}/libvirt_cputestdata/x86_64-cpuid-Xeon-Gold-6530.xml`;
const EMR1 = `${corpus}/aida64_instlatx64/GenuineIntel00C06F2_EmeraldRapids_01_CPUID.txt`;
const EMR2 = `${corpus}/aida64_instlatx64/GenuineIntel00C06F2_EmeraldRapids_02_CPUID.txt`;
const CAPS = 'test/fixtures/ingest/kvm-capture-6.16.json';
const tmp = mkdtempSync(join(tmpdir(), 'cli-compare-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/tdx-cpuid.mjs', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tdx-cpuid rules', () => {
  it('--json lists every rule with id, severity, title, description, source, sorted by id', () => {
    const r = cli('rules', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { schema: string; rules: { id: string; severity: string; title: string; description: string; source: string }[] };
    expect(doc.schema).toBe('tdx-cpuid/rules/v1');
    const ids = doc.rules.map((x) => x.id);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toEqual(expect.arrayContaining(['module-init-verify', 'config-not-configurable', 'kvm-view-mismatch', 'qemu-table-stale', 'unknown-version', 'qemu-warnings-check']));
    for (const x of doc.rules) expect(Object.keys(x)).toEqual(['id', 'severity', 'title', 'description', 'source', 'layers']);
    expect(cli('rules', '--json').stdout).toBe(r.stdout);
  });

  it('text and Markdown name every rule', () => {
    const ids = (JSON.parse(cli('rules', '--json').stdout) as { rules: { id: string }[] }).rules.map((x) => x.id);
    const text = cli('rules').stdout;
    const md = cli('rules', '--md').stdout;
    for (const id of ids) {
      expect(text).toMatch(new RegExp(`^${id}\\s+(error|warning|info)\\s+`, 'm'));
      expect(md).toContain(`| \`${id}\` |`);
    }
    expect(cli('rules', '--json', '--md').code).toBe(2);
  });
});

describe('tdx-cpuid diff', () => {
  it('--json follows tdx-cpuid/diff/v1; differences count as warnings for --fail-on', () => {
    const r = cli('diff', BRONZE, GOLD, '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      schema: string;
      a: { path: string; format: string; layer: string };
      layer: string;
      differences: { leaf: number; subleaf: number | null; reg: string; bit?: number; bits?: number[]; name: string | null; a: number | null; b: number | null }[];
      summary: { differences: number };
    };
    expect(doc.schema).toBe('tdx-cpuid/diff/v1');
    expect(doc.a).toMatchObject({ path: BRONZE, format: 'libvirt-cpudata', layer: 'host' });
    expect(doc.layer).toBe('host');
    expect(doc.differences).toContainEqual({ leaf: 7, subleaf: 0, reg: 'edx', bit: 24, name: 'amx_tile', a: 0, b: 1 });
    expect(doc.differences).toContainEqual({ leaf: 1, subleaf: null, reg: 'eax', bits: [0, 3], name: 'stepping', a: 7, b: 2 });
    expect(doc.summary.differences).toBe(doc.differences.length);
    expect(cli('diff', BRONZE, GOLD, '--json').stdout).toBe(r.stdout);
    expect(cli('diff', BRONZE, GOLD, '--fail-on', 'warning').code).toBe(1);
    expect(cli('diff', GOLD, GOLD, '--fail-on', 'warning').code).toBe(0);
  });

  it('text: both sources described, per-CPU note, one line per difference', () => {
    const r = cli('diff', EMR1, EMR2);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^A: .*EmeraldRapids_01_CPUID\.txt \(aida64, host, 112 CPUs\)/);
    expect(r.stdout).toMatch(/Note: A has 112 CPUs, B 64: CPUs 0-63 \(in dump order\) compared pairwise/);
    expect(r.stdout).toMatch(/^ {2}0x1F\.1\.EBX\[15:0\] domain_lcpus_count: A 0x38, B 0x20$/m);
  });

  it('Markdown and an HTML report through the report options', () => {
    const md = cli('diff', BRONZE, GOLD, '--md', '--date', '2026-01-02');
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# TDX CPUID diff: x86\\_64-cpuid-Xeon-Bronze-3408U\.xml vs x86\\_64-cpuid-Xeon-Gold-6530\.xml/);
    expect(cli('diff', BRONZE, GOLD, '--md', '--date', '2026-01-02').stdout).toBe(md.stdout);
    const html = join(tmp, 'diff.html');
    expect(cli('diff', BRONZE, GOLD, '--html', html, '--date', '2026-01-02').code).toBe(0);
    expect(readFileSync(html, 'utf8')).toMatch(/<html[\s\S]*amx_tile/);
  });

  it('usage errors exit 2 with one line: mixed kinds, a missing file', () => {
    const mixed = cli('diff', BRONZE, CAPS);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toBe('tdx-cpuid: diff: A is a CPUID dump, B is a KVM capture: diff compares two sources of the same layer kind (two CPUID dumps, or two KVM captures)\n');
    const missing = cli('diff', BRONZE, join(tmp, 'nope.txt'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^tdx-cpuid: .*nope\.txt: cannot read \(ENOENT\)\n$/);
  });
});

describe('tdx-cpuid baseline', () => {
  it('--json: per-host TD CPUID, differences, verified -cpu flags', () => {
    const r = cli('baseline', BRONZE, GOLD, '--module', '1.5.06', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      schema: string;
      hosts: { label: string; module: string; tdCreated: boolean }[];
      cpu: string;
      flags: string[];
      verified: boolean;
      differences: { leaf: number; reg: string; bit?: number; values: number[]; flag: string | null }[];
      remaining: { flag: string | null; why: string }[];
      td: { host: number; cpuid: { leaf: number }[] }[];
      summary: { errors: number; warnings: number; infos: number };
    };
    expect(doc.schema).toBe('tdx-cpuid/baseline/v1');
    expect(doc.hosts.map((h) => h.label)).toEqual(['Intel(R) Xeon(R) Bronze 3408U', 'INTEL(R) XEON(R) GOLD 6530']);
    expect(doc.flags).toEqual(expect.arrayContaining(['-amx-tile']));
    expect(doc.cpu).toMatch(/^host,.*-amx-tile.*tsc-frequency=1800000000$/);
    expect(doc.verified).toBe(true);
    expect(doc.td).toHaveLength(2);
    expect(doc.td[0]!.cpuid.some((e) => e.leaf === 0x21)).toBe(true);
    expect(doc.summary.errors).toBe(0);
    expect(doc.summary.warnings).toBe(doc.remaining.length);
    expect(cli('baseline', BRONZE, GOLD, '--module', '1.5.06', '--json').stdout).toBe(r.stdout);
    // Per-host differences no flag removes are warnings.
    expect(cli('baseline', BRONZE, GOLD, '--module', '1.5.06', '--fail-on', 'warning').code).toBe(1);
  });

  it('text names the flags and what remains; an HTML report is written', () => {
    const html = join(tmp, 'baseline.html');
    const r = cli('baseline', BRONZE, GOLD, '--module', '1.5.06', '--html', html, '--date', '2026-01-02');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^-cpu host,.*-amx-tile/m);
    expect(r.stdout).toMatch(/^Verified: with these flags every host gets a TD whose CPUID is identical except \d+ per-host/m);
    expect(existsSync(html)).toBe(true);
  });

  it('fewer than two hosts is a usage error', () => {
    const r = cli('baseline', GOLD);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tdx-cpuid: baseline: found 1 host CPUID dump .*name at least two\n$/);
  });
});
