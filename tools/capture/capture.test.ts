// Runs the capture script's Python tests (uAPI layouts, fake /dev/cpu tree, fake KVM ioctls)
// and loads the bundle they write with the workbench's own loader: every file must be
// recognised and land in its layer.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { loadReport } from '../../electron/cli/load-inputs';

const tmp = mkdtempSync(join(tmpdir(), 'tdx-capture-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const bundle = join(tmp, 'capture.tar.gz');

describe('tools/capture/tdx-capture.py', () => {
  it('passes its Python tests (struct layouts, ioctl numbers, fake device)', () => {
    const r = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', 'tools/capture', '-p', 'test_*.py', '-v'], {
      encoding: 'utf8',
      env: { ...process.env, TDX_CAPTURE_BUNDLE_OUT: bundle, PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(r.stderr).toMatch(/Ran 11 tests/);
    expect(r.stderr).toMatch(/\nOK\s*$/);
    expect(r.status).toBe(0);
  });

  it('writes a bundle the workbench reads completely', async () => {
    const r = await loadReport([bundle]);
    expect(r.problems).toEqual([]);
    const by = Object.fromEntries(r.inputs.map((i) => [i.source.path.replace(/^.*\//, ''), i]));
    expect(by['host-cpuid.txt']).toMatchObject({ format: 'cpuid-r', role: 'host' });
    expect(by['kvm.json']).toMatchObject({ format: 'kvm-json', role: 'kvmSupported', feeds: ['kvmSupported', 'tdxCaps', 'module', 'kernel'] });
    expect(by['dmesg-tdx.txt']).toMatchObject({ format: 'dmesg' });
    expect(by['qemu.log']).toMatchObject({ format: 'qemu-log' });
    expect(by['qemu-cmdline.txt']).toMatchObject({ format: 'qemu-cmdline', role: 'requested' });
    const e = r.ingest.engineInputs;
    expect(e.hosts[0]!.meta.cpuCount).toBe(4);
    expect(e.hosts[0]!.meta.brand).toMatch(/Bronze 3408U/);
    expect(e.kvm[0]!.tdxCaps?.cpuid).toHaveLength(9);
    expect(e.dmesg?.moduleVersion).toBe('1.5.06');
    expect(r.ingest.manifest.filter((m) => m.status === 'missing').map((m) => m.id)).toEqual(['guest']);
  });
});
