import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { qemuLog } from './qemu-log';
import { qemuCmdline } from './qemu-cmdline';

const fx = (f: string): string => readFileSync(`test/fixtures/ingest/${f}`, 'utf8');

describe('QEMU log reader', () => {
  it('reads a libvirt log: versions, new-style feature warnings, the embedded command line', () => {
    const text = fx('qemu-log-libvirt.log');
    expect(qemuLog.detect(text)!.confidence).toBeGreaterThan(qemuCmdline.detect(text)!.confidence);
    const q = qemuLog.parse(text, 'td1.log');
    expect(q.libvirtVersion).toBe('10.10.0');
    expect(q.qemuVersion).toBe('10.1.0Debian');
    expect(q.featureWarnings).toEqual([
      expect.objectContaining({ line: 25, kind: 'host-unsupported', leaf: 7, subleaf: 0, reg: 'ebx', bit: 25, name: 'intel-pt' }),
      expect.objectContaining({ line: 26, kind: 'forced-on', leaf: 0x80000007, subleaf: null, reg: 'edx', bit: 8, name: 'invtsc' }),
      expect.objectContaining({ line: 27, kind: 'forced-on', leaf: 1, subleaf: null, reg: 'ecx', bit: 15, name: 'pdcm' }),
    ]);
    expect(q.cmdline?.cpu).toMatchObject({ model: 'host', check: true, flags: [{ name: 'intel-pt', on: true }, { name: 'invtsc', on: false }] });
    expect(q.cmdline?.tdxGuest).toMatchObject({ id: 'lsec0', septVeDisable: true });
    expect(q.cmdline?.machine?.confidentialGuestSupport).toBe('lsec0');
  });

  it('reads the old description form and infers sub-leaves, MSR words, ioctl failures and rejections', () => {
    const q = qemuLog.parse(fx('qemu-log-stderr-qemu9.txt'), 'stderr.txt');
    expect(q.qemuVersion).toBe('9.2.0');
    const w = q.featureWarnings;
    expect(w[0]).toMatchObject({ kind: 'host-unsupported', leaf: 7, subleaf: 0, reg: 'ebx', bit: 25, name: 'intel-pt' });
    expect(w[1]).toMatchObject({ leaf: 7, subleaf: 1, reg: 'edx', bit: 4, name: 'avx-vnni-int8' });
    expect(w[2]).toMatchObject({ leaf: 0xd, subleaf: 1, reg: 'eax', bit: 4, name: 'xfd' });
    expect(w[3]).toMatchObject({ kind: 'forced-on', leaf: 0x80000007, subleaf: null, reg: 'edx', bit: 8 });
    expect(w[4]).toMatchObject({ kind: 'tdx-unsupported', leaf: 1, reg: 'ecx', bit: 3, name: 'monitor' });
    expect(q.msrWarnings).toEqual([expect.objectContaining({ msr: 0x10a, name: 'fb-clear', bit: 17 })]);
    expect(q.ioctlFailures).toEqual([expect.objectContaining({ line: 11, ioctl: 'KVM_TDX_INIT_VM', hwError: 0xc000010000000045n })]);
    expect(q.rejections.map((r) => r.what)).toEqual(['attributes', 'tsc', 'cpu-model']);
  });

  it('does not claim unrelated text', () => {
    expect(qemuLog.detect('just some notes\nabout a machine\n')).toBeNull();
  });
});
