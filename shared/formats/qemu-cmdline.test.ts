import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { qemuCmdline, shellWords, splitQemuList } from './qemu-cmdline';

const fx = (f: string): string => readFileSync(`test/fixtures/ingest/${f}`, 'utf8');

describe('QEMU command-line reader', () => {
  it('reads a one-line command: -cpu flags and settings, tdx-guest attributes, machine, smp', () => {
    const c = qemuCmdline.parse(fx('qemu-cmdline-oneline.txt'), 'cmd.txt');
    expect(c.binary).toBe('qemu-system-x86_64');
    expect(c.cpu).toMatchObject({ model: 'host', pmu: true, enforce: true, check: false, tscKhz: 2_100_000 });
    expect(c.cpu!.flags).toEqual([{ name: 'avx512f', on: false }, { name: 'amx-tile', on: true }]);
    expect(c.tdxGuest).toMatchObject({ id: 'tdx0', attributes: 0x10000000n, septVeDisable: true });
    expect(c.tdxGuest!.props['mrconfigid']).toMatch(/^ASNFZ4/);
    expect(c.machine).toMatchObject({ type: 'q35', confidentialGuestSupport: 'tdx0' });
    expect(c.machine!.props['kernel-irqchip']).toBe('split');
    expect(c.smp).toEqual({ cpus: 8 });
    expect(c.accel).toBe('kvm');
    expect(c.otherOptions).toContain('-device vhost-vsock-pci,guest-cid=3');
    expect(c.otherOptions).toContain('-nographic');
  });

  it('reads backslash continuations, comments, quoted paths and key=on feature forms', () => {
    const c = qemuCmdline.parse(fx('qemu-cmdline-continued.sh'), 'run.sh');
    expect(c.cpu!.flags).toEqual([
      { name: 'avx512-fp16', on: true },
      { name: 'pks', on: false },
      { name: 'x2apic', on: true },
      { name: 'waitpkg', on: false },
    ]);
    expect(c.tdxGuest!.props['quote-generation-socket.port']).toBe('4050');
    expect(c.smp).toEqual({ cpus: 16, sockets: 2, cores: 8, threads: 1 });
    expect(c.otherOptions).toContain('-drive file=/var/lib/images/td guest.qcow2,if=virtio,format=qcow2');
  });

  it('reads a libvirt argv with one word per line and a JSON -object', () => {
    const c = qemuCmdline.parse(fx('qemu-cmdline-libvirt-argv.txt'), 'argv.txt');
    expect(c.binary).toBe('/usr/libexec/qemu-kvm');
    expect(c.cpu).toMatchObject({ model: 'host', props: { migratable: 'on' } });
    expect(c.cpu!.flags).toEqual([]);
    expect(c.tdxGuest).toMatchObject({ id: 'lsec0', attributes: 268435456n });
    expect(c.machine!.type).toBe('pc-q35-rhel10.0.0');
    expect(c.smp).toMatchObject({ cpus: 2, sockets: 2 });
  });

  it('splits words and QEMU lists like the shell and QEMU do', () => {
    expect(shellWords(`a 'b c' "d \\"e\\"" f\\ g`).map((t) => t.text)).toEqual(['a', 'b c', 'd "e"', 'f g']);
    expect(splitQemuList('host,model-id=a,,b,+x')).toEqual(['host', 'model-id=a,b', '+x']);
  });

  it('does not claim prose without options', () => {
    expect(qemuCmdline.detect('the guest failed to boot yesterday')).toBeNull();
  });
});
