import { mkdtempSync, mkdirSync, rmSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { zipSync, strToU8 } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { openBytes, openPath, openPaths } from '../../electron/bundle/open';
import { ingest } from '../../shared/ingest/ingest';
import { tarBytes, tgzBytes } from './bundle-helpers';

const tmp = mkdtempSync(join(tmpdir(), 'bundle-open-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const DMESG = '[    0.000000] Linux version 6.16.0 (x) #1\n[   15.9] virt/tdx: TDX module version: 1.5.06\n';
const CMD = 'qemu-system-x86_64 -cpu host,+avx512f -object tdx-guest,id=tdx0 -machine q35,confidential-guest-support=tdx0\n';

describe('opening bundles', () => {
  it('reads .tar, .tar.gz and .zip by their bytes, whatever the name, with sorted bundle!/member paths', async () => {
    const members = [{ path: 'report/qemu.cmd', data: CMD }, { path: 'report/dmesg.txt', data: DMESG }, { path: 'report/', type: '5' }];
    for (const [name, bytes] of [
      ['a.tar', tarBytes(members)],
      ['b.bin', tgzBytes(members)],
      ['c.zip', Buffer.from(zipSync({ 'report/qemu.cmd': strToU8(CMD), 'report/dmesg.txt': strToU8(DMESG) }))],
    ] as const) {
      const r = await openBytes(name, bytes);
      expect(r.files.map((f) => f.path)).toEqual([`${name}!/report/dmesg.txt`, `${name}!/report/qemu.cmd`]);
      expect(r.files[0]!.text).toBe(DMESG);
      expect(r.files[0]!.origin).toBe(name);
      expect(r.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('reads the hwloc .tar.bz2 corpus tarball and the puN files combine into one 160-CPU host', async () => {
    const r = await openPath('test/fixtures/corpus/hwloc_gather_cpuid/Intel-SapphireRapids-2xXeonMax9460.tar.bz2');
    expect(r.files.filter((f) => /\/pu\d+$/.test(f.path))).toHaveLength(160);
    const i = ingest(r.files);
    expect(i.inputs).toHaveLength(1);
    expect(i.inputs[0]).toMatchObject({ format: 'hwloc', role: 'host' });
    expect(i.inputs[0]!.detection.reason).toMatch(/161 files combined/);
    expect(i.engineInputs.hosts[0]!.meta.cpuCount).toBe(160);
    expect(i.engineInputs.sources).toHaveLength(161);
  });

  it('opens archives inside archives (an hwloc tarball inside a report .tgz)', async () => {
    const inner = execFileSync('cat', ['test/fixtures/corpus/hwloc_gather_cpuid/Intel-ArrowLake-CoreUltra5-225U.tar.bz2']);
    const r = await openBytes('report.tgz', tgzBytes([{ path: 'hwloc.tar.bz2', data: inner }, { path: 'dmesg.txt', data: DMESG }]));
    expect(r.files.some((f) => f.path.startsWith('report.tgz!/hwloc.tar.bz2!/Intel-ArrowLake-CoreUltra5-225U/pu'))).toBe(true);
    expect(r.files.some((f) => f.path === 'report.tgz!/dmesg.txt')).toBe(true);
  });

  it('walks a folder, skipping links that stay inside and binary files, with problems named', async () => {
    const dir = join(tmp, 'folder');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'dmesg.txt'), DMESG);
    writeFileSync(join(dir, 'blob.bin'), Buffer.from([0, 1, 2, 3]));
    symlinkSync('sub/dmesg.txt', join(dir, 'link.txt'));
    const r = await openPath(dir);
    expect(r.files.map((f) => f.path)).toEqual([`${dir}/sub/dmesg.txt`]);
    expect(r.problems).toEqual([
      { path: `${dir}/link.txt`, message: 'symbolic link to "sub/dmesg.txt" not followed (the target is read on its own)' },
      { path: `${dir}/blob.bin`, message: 'binary file, skipped' },
    ]);
  });

  it('reads a plain file as itself and turns a refused bundle into a problem in openPaths', async () => {
    writeFileSync(join(tmp, 'cmd.txt'), CMD);
    writeFileSync(join(tmp, 'evil.tar'), tarBytes([{ path: '../x', data: 'x' }]));
    const r = await openPaths([join(tmp, 'cmd.txt'), join(tmp, 'evil.tar')]);
    expect(r.files.map((f) => f.path)).toEqual([join(tmp, 'cmd.txt')]);
    expect(r.problems).toEqual([{ path: join(tmp, 'evil.tar'), message: 'path traversal "../x" (a ".." segment)' }]);
  });
});
