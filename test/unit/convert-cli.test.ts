// `tdx-cpuid convert` as a process (the vitest global setup builds the CLI bundle): output
// formats, CPU selection, --out, warnings for non-value dumps, exit codes and one-line errors.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const corpus = 'test/fixtures/corpus';
const SPR = `${corpus}/aida64_instlatx64/GenuineIntel00806F8_SapphireRapids_05_CPUID.txt`;
const MASK = `${corpus}/libvirt_cputestdata/x86_64-cpuid-Xeon-6731E-enabled.xml`;
const DECODED = `${corpus}/etallen_cpuid/local_bhyve-guest_AMD-Turin-like_cpuid-decoded.txt`;
const ETALLEN_LINE = /^ {3}0x[0-9a-f]{8} 0x[0-9a-f]{2,}: eax=0x[0-9a-f]{8} ebx=0x[0-9a-f]{8} ecx=0x[0-9a-f]{8} edx=0x[0-9a-f]{8}$/;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/tdx-cpuid.mjs', 'convert', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tdx-cpuid convert', () => {
  it('writes every CPU as cpuid -r text to stdout, deterministically', () => {
    const a = run(SPR, '--to', 'cpuid-r');
    expect(a.code).toBe(0);
    expect(a.stderr).toBe('');
    const lines = a.stdout.trimEnd().split('\n');
    const headers = readFileSync(SPR, 'utf8').split('\n').filter((l) => /^------\[ CPUID Registers \/ Logical CPU #\d+ \]------$/.test(l)).length;
    expect(lines.filter((l) => /^CPU \d+:$/.test(l)).length).toBe(headers);
    for (const l of lines) if (!/^CPU \d+:$/.test(l)) expect(l).toMatch(ETALLEN_LINE);
    expect(lines).toContain('   0x00000007 0x00: eax=0x00000002 ebx=0xf3bfbffb ecx=0xbb417fee edx=0xffdd4430');
    expect(run(SPR, '--to', 'cpuid-r', '--all-cpus').stdout).toBe(a.stdout);
  });

  it('--cpu picks one CPU; --out writes a file; json goes through the workbench JSON reader back to the same cpuid -r', () => {
    const dir = mkdtempSync(join(tmpdir(), 'convert-'));
    const one = run(SPR, '--to', 'cpuid-r', '--cpu', '3');
    expect(one.stdout.split('\n')[0]).toBe('CPU 3:');
    expect(one.stdout.match(/^CPU /gm)?.length).toBe(1);
    const json = join(dir, 'spr.json');
    expect(run(SPR, '--to', 'json', '--out', json).code).toBe(0);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as { schema: string; source: { format: string; sha256: string; cpuCount: number }; cpus: unknown[] };
    expect(doc.schema).toBe('tdx-cpuid/dump/v1');
    expect(doc.source).toMatchObject({ format: 'aida64', cpuCount: 40 });
    expect(doc.source.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.cpus.length).toBe(40);
    const again = run(json, '--to', 'cpuid-r');
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(run(SPR, '--to', 'cpuid-r').stdout);
  });

  it('warns on stderr what a mask dump means, and still writes it', () => {
    const r = run(MASK, '--to', 'cpuid-r');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: .* holds a feature mask/);
    expect(r.stdout).toMatch(/^CPU 0:\n {3}0x/);
  });

  it('usage errors and unreadable inputs exit 2 with one line naming file and line', () => {
    const decoded = run(DECODED, '--to', 'cpuid-r');
    expect(decoded.code).toBe(2);
    expect(decoded.stderr).toMatch(/cpuid-decoded\.txt:2 \(cpuid-r\): expected raw register lines.*capture `cpuid -r`/);
    expect(decoded.stderr.trim().split('\n').length).toBe(1);
    expect(run(SPR, '--to', 'xml').code).toBe(2);
    const noCpu = run(SPR, '--to', 'json', '--cpu', '99');
    expect(noCpu.code).toBe(2);
    expect(noCpu.stderr).toMatch(/no CPU 99 \(the dump has CPUs 0\.\.39\)/);
    expect(run(SPR, '--to', 'json', '--cpu', '1', '--all-cpus').code).toBe(2);
    expect(run(SPR).code).toBe(2);
    expect(run('no/such/file', '--to', 'json').stderr).toMatch(/no\/such\/file: cannot read/);
    const dmesg = run('test/fixtures/ingest/dmesg-no-tdx.txt', '--to', 'json');
    expect(dmesg.code).toBe(2);
    expect(dmesg.stderr).toMatch(/a dmesg input is not a CPUID dump/);
  });
});
