import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../shared/ingest/ingest';
import { classifyDump } from '../../shared/ingest/classify';
import { finishDump } from '../../shared/model/build-dump';
import { CpuidTableBuilder } from '../../shared/model/cpuid-table';
import type { SourceFile } from '../../shared/model/source';

function src(path: string, text: string): SourceFile {
  return { path, sha256: createHash('sha256').update(text).digest('hex'), size: text.length, text };
}
const corpus = (f: string): SourceFile => src(`report/${f.split('/').pop()}`, readFileSync(`test/fixtures/corpus/${f}`, 'utf8'));
const fx = (f: string): SourceFile => src(`report/${f}`, readFileSync(`test/fixtures/ingest/${f}`, 'utf8'));

/** A one-CPU dump with leaf 0/1 and optionally the TDX signature leaf or the hypervisor bit. */
function dump(opts: { tdx?: boolean; hypervisor?: boolean; annotations?: Record<string, string> }) {
  const b = new CpuidTableBuilder();
  b.add({ leaf: 0, eax: 0x21, ebx: 0x756e6547, ecx: 0x6c65746e, edx: 0x49656e69 });
  b.add({ leaf: 1, eax: 0x806f8, ebx: 0, ecx: opts.hypervisor || opts.tdx ? 0x80000000 : 0, edx: 0 });
  if (opts.tdx) b.add({ leaf: 0x21, subleaf: 0, eax: 0, ebx: 0x65746e49, ecx: 0x20202020, edx: 0x5844546c });
  return finishDump({ format: 'test', name: 't', valueKind: 'values', cpus: [{ id: 0, table: b.build() }], annotations: opts.annotations ?? {} });
}

describe('layer of a CPUID dump', () => {
  it('is the guest when leaf 0x21 carries IntelTDX', () => {
    const d = classifyDump(dump({ tdx: true }), 'host');
    expect(d).toMatchObject({ role: 'guest', feeds: ['guest'] });
    expect(d.reason).toMatch(/IntelTDX/);
    expect(d.confidence).toBeGreaterThan(0.9);
  });
  it('is the guest when /proc/cpuinfo says tdx_guest', () => {
    expect(classifyDump(dump({ annotations: { flags: 'fpu vme tdx_guest x2apic' } }), 'host')).toMatchObject({ role: 'guest', confidence: 0.9 });
  });
  it('is a guest with lower confidence when only the hypervisor bit is set', () => {
    const d = classifyDump(dump({ hypervisor: true }), 'host');
    expect(d.role).toBe('guest');
    expect(d.confidence).toBeLessThan(0.7);
  });
  it('is the host when nothing says virtualized', () => {
    expect(classifyDump(dump({}), 'host')).toMatchObject({ role: 'host', feeds: ['host'] });
  });
});

describe('ingest of a whole bug report', () => {
  const files = [
    corpus('libvirt_cputestdata/x86_64-cpuid-Xeon-Bronze-3408U.xml'),
    fx('dmesg-journal-module-version.txt'),
    fx('qemu-cmdline-oneline.txt'),
    fx('qemu-log-stderr-qemu9.txt'),
    fx('kvm-capture-6.16.json'),
    src('report/notes.md', '# What I did\n\nStarted the TD, it hung.\n'),
  ];

  it('classifies each file by content with a reason, and lists what it cannot read', () => {
    const r = ingest(files);
    const by = Object.fromEntries(r.inputs.map((i) => [i.path, i]));
    expect(by['report/x86_64-cpuid-Xeon-Bronze-3408U.xml']).toMatchObject({ format: 'libvirt-cpudata', role: 'host' });
    expect(by['report/x86_64-cpuid-Xeon-Bronze-3408U.xml']!.roleReason).toMatch(/no hypervisor bit/);
    expect(by['report/dmesg-journal-module-version.txt']).toMatchObject({ format: 'dmesg', role: 'context', feeds: ['module', 'kernel'] });
    expect(by['report/qemu-cmdline-oneline.txt']).toMatchObject({ format: 'qemu-cmdline', role: 'requested' });
    expect(by['report/qemu-log-stderr-qemu9.txt']).toMatchObject({ format: 'qemu-log', feeds: ['qemuLog'] });
    expect(by['report/kvm-capture-6.16.json']).toMatchObject({ format: 'kvm-json', role: 'kvmSupported', feeds: ['kvmSupported', 'tdxCaps', 'initVm', 'kernel'] });
    expect(r.unrecognized).toEqual([expect.objectContaining({ path: 'report/notes.md', message: expect.stringMatching(/not a format/) })]);
  });

  it('produces the engine inputs and a manifest of found and missing pieces with hints', () => {
    const r = ingest(files);
    const e = r.engineInputs;
    expect(e.hosts).toHaveLength(1);
    expect(e.hosts[0]!.meta.brand).toMatch(/Bronze 3408U/);
    expect(e.dmesg?.moduleVersion).toBe('1.5.06');
    expect(e.qemuCmdline?.cpu?.flags.map((f) => f.name)).toEqual(['avx512f', 'amx-tile']);
    expect(e.qemuLog?.featureWarnings).toHaveLength(5);
    expect(e.kvm).toHaveLength(1);
    expect(e.sources.map((s) => s.layer)).toEqual(['host', 'context', 'requested', 'context', 'kvmSupported']);
    const m = Object.fromEntries(r.manifest.map((i) => [i.id, i]));
    expect(m['host']!.status).toBe('found');
    expect(m['module']).toMatchObject({ status: 'found', detail: 'TDX module 1.5.06 (build 744, 20240129)' });
    expect(m['requested']!.detail).toBe('-cpu host,-avx512f,+amx-tile');
    expect(m['guest']).toMatchObject({ status: 'missing' });
    expect(m['guest']!.hint).toMatch(/cpuid -r/);
    expect(m['td']!.status).toBe('optional');
    expect(m['tdxCaps']!.status).toBe('found');
  });

  it('reports conflicts: two host dumps from different CPUs, differing command lines', () => {
    const r = ingest([
      ...files,
      corpus('libvirt_cputestdata/x86_64-cpuid-Xeon-Gold-6530.xml'),
      fx('qemu-log-libvirt.log'),
    ]);
    const host = r.conflicts.find((c) => c.feed === 'host')!;
    expect(host.message).toMatch(/different CPUs.*Bronze 3408U.*vs.*6530/i);
    expect(host.used).toBe('report/x86_64-cpuid-Xeon-Bronze-3408U.xml');
    expect(r.conflicts.find((c) => c.feed === 'requested')!.message).toMatch(/-cpu host,-avx512f,\+amx-tile vs -cpu host,\+intel-pt,-invtsc/);
    expect(r.conflicts.find((c) => c.feed === 'qemuLog')).toBeDefined();
    expect(r.engineInputs.hosts).toHaveLength(2);
  });

  it('needs no conflict for two dumps of the same CPU', () => {
    const a = corpus('libvirt_cputestdata/x86_64-cpuid-Xeon-Bronze-3408U.xml');
    const r = ingest([a, { ...a, path: 'report/copy.xml' }]);
    expect(r.conflicts).toEqual([]);
  });

  it('applies overrides: force a layer, force a format, ignore a file', () => {
    const r = ingest(files, {
      overrides: {
        'report/x86_64-cpuid-Xeon-Bronze-3408U.xml': { role: 'guest' },
        'report/notes.md': { role: 'ignore' },
        'report/qemu-log-stderr-qemu9.txt': { role: 'ignore' },
      },
    });
    const host = r.inputs.find((i) => i.path.endsWith('3408U.xml'))!;
    expect(host).toMatchObject({ role: 'guest', overridden: true, feeds: ['guest'] });
    expect(r.engineInputs.hosts).toHaveLength(0);
    expect(r.engineInputs.guest?.meta.brand).toMatch(/3408U/);
    expect(r.engineInputs.qemuLog).toBeUndefined();
    const forced = ingest([src('x.txt', 'KVM_TDX_GET_CPUID:\n 0x00000001 0x00: eax=0x000806f8 ebx=0x00000800 ecx=0xfffa3223 edx=0x1f8bfbff\n')], {
      overrides: { 'x.txt': { format: 'kvm-cpuid-entries', role: 'setCpuid' } },
    });
    expect(forced.inputs[0]).toMatchObject({ format: 'kvm-cpuid-entries', role: 'setCpuid' });
    expect(forced.engineInputs.kvm[0]!.setCpuid).toHaveLength(1);
    expect(forced.engineInputs.kvm[0]!.tdCpuid).toBeUndefined();
  });

  it('uses the command line inside a libvirt log when no separate one is given', () => {
    const r = ingest([fx('qemu-log-libvirt.log')]);
    expect(r.engineInputs.qemuCmdline?.cpu?.flags.map((f) => `${f.on ? '+' : '-'}${f.name}`)).toEqual(['+intel-pt', '-invtsc']);
    expect(r.manifest.find((m) => m.id === 'requested')).toMatchObject({ status: 'found', detail: '-cpu host,+intel-pt,-invtsc (from the log)' });
  });

  it('is deterministic', () => {
    expect(JSON.stringify(ingest(files).manifest)).toBe(JSON.stringify(ingest(files).manifest));
  });
});
