import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadDemo } from './demo';

describe('demo bug report', () => {
  it('names files demo/<path>, hashes their UTF-8 bytes, sorted by path', async () => {
    const r = await loadDemo({
      '../../../resources/demo/qemu-cmdline.txt': async () => 'qemu-system-x86_64 -cpu host\n',
      '../../../resources/demo/host/cpuid-r.txt': async () => 'CPU 0:\n',
    });
    expect(r.problems).toEqual([]);
    expect(r.files.map((f) => f.path)).toEqual(['demo/host/cpuid-r.txt', 'demo/qemu-cmdline.txt']);
    expect(r.files[0]).toMatchObject({ origin: 'demo', size: 7, sha256: createHash('sha256').update('CPU 0:\n').digest('hex') });
  });

  it('says so when the build carries no demo', async () => {
    expect((await loadDemo({})).problems[0].message).toMatch(/no demo/);
  });

  it('the build bundles the real demo files when resources/demo exists', async () => {
    const r = await loadDemo();
    // Either the demo folder is there and every file loads, or the build says it has none.
    if (r.files.length) expect(r.files.every((f) => f.path.startsWith('demo/') && f.text.length > 0)).toBe(true);
    else expect(r.problems).toHaveLength(1);
  });
});
