// Bug reports carry prose beside the captures: a README, the bug description, notes that
// quote a warning or name an option. Such a file is not a QEMU log, kernel log, KVM capture
// or command line: taking it for one put the demo's README in place of its QEMU log (the
// real log's four warnings were then not checked). Evidence must be a line as the program
// prints it, with its numbers; prose that quotes the words is turned down, and the same
// lines printed for real are still recognised.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPath } from '../../electron/bundle/open';
import { detectAll } from '../../shared/formats/registry';
import { ingest } from '../../shared/ingest/ingest';
import type { SourceFile } from '../../shared/model/source';

function src(path: string, text: string): SourceFile {
  return { path, sha256: createHash('sha256').update(text).digest('hex'), size: text.length, text };
}

/** What the classifier would take the text for (the threshold ingest uses is 0.25). */
const claims = (text: string): string[] => detectAll(text).filter((c) => c.detection.confidence >= 0.25).map((c) => `${c.format.id} ${c.detection.confidence}`);

const NOTES = `# Bug 4711: TD boots without AVX-512

Steps: we start the TD with \`-cpu host,+avx512f -object tdx-guest,id=tdx0 -machine q35,confidential-guest-support=tdx0\`
from libvirt. QEMU then warns "TDX forcibly sets the feature: ... pdcm" and sometimes
"host doesn't support requested feature: intel-pt", and with enforce it fails with
"TDX ioctl KVM_TDX_INIT_VM failed, hw_errors: 0x..." (the log header says "starting up libvirt
version: X, qemu version: Y"). QEMU also says "Named cpu model is not supported for TDX yet!"
when -cpu names a model, and "Invalid attributes 0x... for TDX VM" for bad attributes.

The host kernel log shows the usual SEAMCALL failures; the selftest prints
\`tdx_cap: supported_attrs: 0x%016llx\` and \`tdx_cap: supported_xfam 0x...\` lines, and
the tdx: and kvm_intel: subsystems say nothing else of interest.
`;

describe('prose in a bug report', () => {
  it('a bug description quoting warnings, errors, options and log lines is no input', () => {
    expect(claims(NOTES)).toEqual([]);
  });

  it("the project's own READMEs and documents are no input either", () => {
    const docs = ['README.md', 'resources/demo/README.md', 'test/fixtures/ingest/README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
    for (const shared of ['tdx-cpuid-model.md', 'architecture.md', 'cli-contract.md']) if (existsSync(join('../shared/docs', shared))) docs.push(join('../shared/docs', shared));
    for (const d of docs) expect([d, claims(readFileSync(d, 'utf8'))]).toEqual([d, []]);
  });

  it('the same messages as the programs print them are recognised', () => {
    const qemu = [
      "qemu-system-x86_64: warning: TDX forcibly sets the feature: CPUID[eax=01h].ECX.pdcm [bit 15]",
      'qemu-system-x86_64: TDX ioctl KVM_TDX_INIT_VM failed, hw_errors: 0xc000010000000045: Invalid argument',
    ];
    expect(claims(qemu[0]!)[0]).toBe('qemu-log 0.95');
    expect(claims(qemu[1]!)[0]).toBe('qemu-log 0.95');
    expect(claims('qemu-system-x86_64: Named cpu model is not supported for TDX yet!')[0]).toBe('qemu-log 0.95');
    expect(claims('[  12.345678] kvm_intel: SEAMCALL TDH_MNG_INIT failed: 0xc000010000000045, rcx 0x0')[0]).toBe('dmesg 0.95');
    expect(claims('SEAMCALL (0x0000000000000021) failed: 0xc000010000000045')[0]).toBe('dmesg 0.95');
    expect(claims('tdx_cap: supported_attrs: 0x0000000010000000\ntdx_cap: supported_xfam 0x00000000000602e7')[0]).toBe('kvm-selftest-log 0.95');
    expect(claims('qemu-system-x86_64 -m 2G -cpu host -object tdx-guest,id=tdx0 -machine q35,confidential-guest-support=tdx0')[0]).toBe('qemu-cmdline 0.95');
  });

  it('a launch script (shell lines, then a sudo qemu command over continued lines) is a command line', () => {
    const script = [
      '#!/bin/bash',
      // A licence header and usage text: a few hundred words before the first option.
      ...Array.from({ length: 25 }, () => '# This script starts the trust domain used by the nightly validation run; see the wiki.'),
      'set -e',
      'IMG=/var/lib/images/td.qcow2',
      'if [ ! -f "$IMG" ]; then echo "no image at $IMG, build one first with the image tools"; exit 1; fi',
      'echo "starting the guest now; the log goes to the serial console and to the journal"',
      'sudo qemu-system-x86_64 \\',
      '  -accel kvm -m 8G -smp 4 \\',
      '  -cpu host \\',
      '  -object \'{"qom-type":"tdx-guest","id":"tdx0"}\' \\',
      '  -machine q35,kernel-irqchip=split,confidential-guest-support=tdx0 \\',
      '  -drive file=$IMG,if=virtio',
    ].join('\n');
    expect(claims(script)[0]).toBe('qemu-cmdline 0.95');
  });

  it("the README of the corpus's QEMU hwloc bundle (a `kvm -hda ... -smp ...` line) is a command line", async () => {
    const opened = await openPath('test/fixtures/corpus/hwloc_gather_cpuid/Intel-CPUID.1F-Qemu-2p3d3c2t.tar.bz2');
    const readme = opened.files.find((f) => f.path.endsWith('/README'))!;
    expect(readme.text).toMatch(/^kvm -hda /);
    expect(claims(readme.text)[0]).toMatch(/^qemu-cmdline /);
  });

  it('a command line pasted into notes is still one when a line starts with the binary', () => {
    const notes = `${'We looked at this for a long while and tried many things that did not help at all. '.repeat(20)}\n\n$ qemu-system-x86_64 -m 2G -cpu host -object tdx-guest,id=tdx0\n`;
    expect(claims(notes)[0]).toMatch(/^qemu-cmdline /);
  });

  it('the demo folder with its README: the README is left out and the real QEMU log is checked', () => {
    const files = readdirSync('resources/demo').sort().map((f) => src(`demo/${f}`, readFileSync(join('resources/demo', f), 'utf8')));
    const r = ingest(files);
    expect(r.unrecognized.map((u) => u.path)).toEqual(['demo/README.md']);
    expect(r.conflicts).toEqual([]);
    expect(r.engineInputs.qemuLog?.name).toBe('demo/qemu.log');
    expect(r.engineInputs.qemuLog?.featureWarnings).toHaveLength(4);
    expect(r.inputs.find((i) => i.format === 'qemu-cmdline')?.path).toBe('demo/qemu-cmdline.txt');
  });
});

describe('a register line quoted in a note', () => {
  const note = src('report/NOTES.md', 'On the host, leaf 7 reads:\n   0x00000007 0x00: eax=0x00000002 ebx=0xf3bfbfbf ecx=0x1bc05f6e edx=0xfc1c4432\nwhile the guest shows avx512f clear.\n');
  const host = src('report/host-cpuid.txt', readFileSync('test/fixtures/corpus/libvirt_cputestdata/x86_64-cpuid-Xeon-Gold-6530.xml', 'utf8'));

  it('is read as the one-leaf snippet it is, with less confidence than a whole dump', () => {
    const [snippet] = detectAll(note.text);
    expect(snippet?.format.id).toBe('cpuid-r');
    expect(snippet!.detection.confidence).toBeLessThan(detectAll(host.text)[0]!.detection.confidence);
  });

  it('never becomes the platform analysed in place of a whole host dump, whatever the file order', () => {
    for (const files of [[note, host], [host, note]]) {
      const r = ingest(files);
      expect(r.engineInputs.hosts[0]?.cpus[0]?.table.keys.length).toBeGreaterThan(20);
      const conflict = r.conflicts.find((c) => c.feed === 'host');
      expect(conflict?.used).toBe('report/host-cpuid.txt');
      expect(conflict?.message).toMatch(/report\/NOTES\.md/);
    }
  });

  it('two whole dumps keep their order: the first named is the platform', () => {
    const other = src('report/other.xml', readFileSync('test/fixtures/corpus/libvirt_cputestdata/x86_64-cpuid-Xeon-Bronze-3408U.xml', 'utf8'));
    expect(ingest([host, other]).conflicts.find((c) => c.feed === 'host')?.used).toBe('report/host-cpuid.txt');
    expect(ingest([other, host]).conflicts.find((c) => c.feed === 'host')?.used).toBe('report/other.xml');
  });
});
