// readSources opens bundles side by side, but what it returns (files, problems) and the
// error it throws come in argument order, as if each path were read in turn.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSources } from '../../electron/cli/read-source';

const DIR = 'test/fixtures/corpus/hwloc_gather_cpuid';
const ARL = `${DIR}/Intel-ArrowLake-CoreUltra5-225U.tar.bz2`;
const QEMU = `${DIR}/Intel-CPUID.1F-Qemu-2p3d3c2t.tar.bz2`;
const PU0 = `${DIR}/Intel-ArrowLake-CoreUltra5-225U__pu0.txt`;

describe('readSources', () => {
  it('returns bundle members and plain files in argument order', async () => {
    const r = await readSources([QEMU, PU0, ARL]);
    const firstOf = (prefix: string) => r.files.findIndex((f) => f.path.startsWith(prefix));
    expect(firstOf(`${QEMU}!/`)).toBe(0);
    const pu0 = r.files.findIndex((f) => f.path === PU0);
    expect(pu0).toBeGreaterThan(0);
    expect(r.files.slice(0, pu0).every((f) => f.path.startsWith(`${QEMU}!/`))).toBe(true);
    expect(r.files.slice(pu0 + 1).every((f) => f.path.startsWith(`${ARL}!/`))).toBe(true);
    expect(r.files.length).toBeGreaterThan(pu0 + 1);
    expect([...r.explicit]).toEqual([PU0]);
  });

  it('throws the error of the first bad path, even when a later bundle is refused too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'read-sources-'));
    const broken = join(dir, 'broken.tar.bz2');
    writeFileSync(broken, Buffer.concat([Buffer.from('BZh9'), Buffer.alloc(64, 7)]));
    await expect(readSources([ARL, join(dir, 'missing.txt'), broken])).rejects.toThrow(/missing\.txt: cannot read \(ENOENT\)/);
    await expect(readSources([ARL, broken, join(dir, 'missing.txt')])).rejects.toThrow(/broken\.tar\.bz2: refused: damaged bzip2 data/);
  });
});
