// `-` names standard input for every command that reads inputs: a dump piped from another
// machine (`ssh host cpuid -r | tdx-cpuid decode -`), a bundle piped from tar, and a layer
// flag (`--host -`). The CLI runs as a process (the vitest global setup builds it).

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const corpus = 'test/fixtures/corpus';
const SPR = `${corpus}/aida64_instlatx64/GenuineIntel00806F8_SapphireRapids_05_CPUID.txt`;
const BHYVE = `${corpus}/etallen_cpuid/local_bhyve-guest_AMD-Turin-like_cpuid-r.txt`;
const QEMU_BUNDLE = `${corpus}/hwloc_gather_cpuid/Intel-CPUID.1F-Qemu-2p3d3c2t.tar.bz2`;
const DEMO = 'resources/demo';

function cli(args: readonly string[], input?: string | Buffer) {
  const r = spawnSync(process.execPath, ['bin/tdx-cpuid.mjs', ...args], { encoding: 'utf8', input: input ?? '', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('standard input as an input (-)', () => {
  it('decode - reads a piped dump: the same report as the file, named <stdin>', () => {
    const piped = cli(['decode', '--json', '-'], readFileSync(SPR));
    const named = cli(['decode', '--json', SPR]);
    expect(piped.code).toBe(0);
    const a = JSON.parse(piped.stdout) as { source: { path: string; sha256: string }; features: unknown[] };
    const b = JSON.parse(named.stdout) as { source: { path: string; sha256: string }; features: unknown[] };
    expect(a.source.path).toBe('<stdin>');
    expect(a.source.sha256).toBe(b.source.sha256);
    expect(a.features).toEqual(b.features);
  });

  it('a piped bundle is opened like a bundle file: members named <stdin>!/..., prose members skipped with a note', () => {
    const r = cli(['decode', '--json', '-'], readFileSync(QEMU_BUNDLE));
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { source: { path: string; format: string; cpuCount: number } };
    expect(report.source.format).toBe('hwloc');
    expect(report.source.path).toMatch(/^<stdin>!\/Intel-CPUID\.1F-Qemu-2p3d3c2t\//);
    const named = JSON.parse(cli(['decode', '--json', QEMU_BUNDLE]).stdout) as { source: { cpuCount: number } };
    expect(report.source.cpuCount).toBe(named.source.cpuCount);
    expect(report.source.cpuCount).toBe(36); // 2 packages x 3 dies x 3 cores x 2 threads
    expect(r.stderr).toMatch(/<stdin>!\/Intel-CPUID\.1F-Qemu-2p3d3c2t\/README \(qemu-cmdline\) is not a CPUID dump; skipped/);
  });

  it('errors name <stdin> with the line, and nothing piped is a readable error', () => {
    const r = cli(['decode', '-', '--format', 'cpuid-r'], 'CPU 0:\n   0x00000000 0x00: eax=0x0000000d ebx=zzzz\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tdx-cpuid: <stdin>:2 \(cpuid-r\): expected /);
    const empty = cli(['decode', '-'], '');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe('tdx-cpuid: no CPUID dump in <stdin> (<stdin>: empty file, skipped)\n');
    expect(empty.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('standard input can be named once only', () => {
    const r = cli(['decode', '-', '-'], readFileSync(BHYVE));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('tdx-cpuid: standard input (-) can be read only once\n');
    const d = cli(['diff', '-', '-'], readFileSync(BHYVE));
    expect(d.code).toBe(2);
    expect(d.stderr).toBe('tdx-cpuid: standard input (-) can be read only once\n');
  });

  it('diff compares a piped dump with a file', () => {
    const r = cli(['diff', '--json', '-', BHYVE], readFileSync(BHYVE));
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as { a: { path: string }; b: { path: string } };
    expect(d.a.path).toBe('<stdin>');
  });

  it('convert - and reconcile with --host - take the pipe as the file would be taken', () => {
    const converted = cli(['convert', '-', '--to', 'cpuid-r'], readFileSync(BHYVE));
    expect(converted.code).toBe(0);
    expect(converted.stdout).toBe(cli(['convert', BHYVE, '--to', 'cpuid-r']).stdout);

    const files = ['dmesg-tdx.txt', 'qemu-cmdline.txt', 'qemu.log'].map((f) => `${DEMO}/${f}`);
    const host = `${DEMO}/host-cpuid-Xeon-Bronze-3408U.xml`;
    const piped = cli(['reconcile', '--json', '--host', '-', ...files], readFileSync(host));
    const named = cli(['reconcile', '--json', '--host', host, ...files]);
    expect(piped.code).toBe(named.code);
    const a = JSON.parse(piped.stdout) as { inputs: { path: string; layer: string }[]; bits: unknown[]; findings: unknown[] };
    const b = JSON.parse(named.stdout) as { inputs: { path: string; layer: string }[]; bits: unknown[]; findings: unknown[] };
    expect(a.inputs.find((i) => i.path === '<stdin>')?.layer).toBe('host');
    expect(a.bits).toEqual(b.bits);
    expect(a.findings.length).toBe(b.findings.length);
  });
});
