import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, type AtomicFs } from './atomic-write';
import { writeFileAtomicSync } from './atomic-write-sync';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const realFs: AtomicFs = { open: fsp.open, rename: fsp.rename, unlink: fsp.unlink, readdir: fsp.readdir };

/** Real file system, but the chosen step throws (a crash or a full disk at that point). */
function failingAt(step: 'write' | 'sync' | 'rename'): AtomicFs {
  return {
    ...realFs,
    async open(path, flags, mode) {
      const h = await fsp.open(path, flags, mode);
      if (step === 'write') h.writeFile = async (data: string | Uint8Array) => {
        // Half the data reaches the temp file, then the "crash".
        await fsp.appendFile(path, typeof data === 'string' ? data.slice(0, data.length / 2) : data.subarray(0, data.length / 2));
        throw new Error('ENOSPC: no space left on device');
      };
      if (step === 'sync') h.sync = async () => {
        throw new Error('EIO: i/o error');
      };
      return h;
    },
    async rename(from, to) {
      if (step === 'rename') throw new Error('EXDEV: simulated crash before rename');
      return fsp.rename(from, to);
    },
  };
}

describe('writeFileAtomic', () => {
  it('replaces the file with the new content and leaves no temporary file', async () => {
    const target = join(dir, 'ws.tdxws');
    writeFileSync(target, 'old');
    await writeFileAtomic(target, 'new content');
    expect(readFileSync(target, 'utf8')).toBe('new content');
    expect(readdirSync(dir)).toEqual(['ws.tdxws']);
  });

  it('creates a file that did not exist, with the requested mode', async () => {
    const target = join(dir, 'settings.json');
    await writeFileAtomic(target, new Uint8Array([1, 2, 3]), { mode: 0o600 });
    expect([...readFileSync(target)]).toEqual([1, 2, 3]);
    if (process.platform !== 'win32') expect((await fsp.stat(target)).mode & 0o777).toBe(0o600);
  });

  for (const step of ['write', 'sync', 'rename'] as const) {
    it(`a failure at "${step}" leaves the old file intact and removes the temporary`, async () => {
      const target = join(dir, 'ws.tdxws');
      writeFileSync(target, 'the old workspace');
      await expect(writeFileAtomic(target, 'x'.repeat(10_000), { fs: failingAt(step) })).rejects.toThrow();
      expect(readFileSync(target, 'utf8')).toBe('the old workspace');
      expect(readdirSync(dir)).toEqual(['ws.tdxws']);
    });
  }

  it('removes temporaries a crashed earlier run (another pid) left behind', async () => {
    const target = join(dir, 'ws.tdxws');
    const stale = join(dir, '.ws.tdxws.tmp-999999-deadbeef');
    writeFileSync(stale, 'half');
    writeFileSync(join(dir, '.other.json.tmp-999999-deadbeef'), 'not ours');
    await writeFileAtomic(target, 'ok');
    expect(readdirSync(dir).sort()).toEqual(['.other.json.tmp-999999-deadbeef', 'ws.tdxws']);
  });

  it('creates the temporary exclusively, in the target folder (same file system, no symlink following)', async () => {
    const target = join(dir, 'ws.tdxws');
    const opened: { path: string; flags: string }[] = [];
    const spy: AtomicFs = { ...realFs, open: (p, f, m) => (opened.push({ path: p, flags: f }), fsp.open(p, f, m)) };
    await writeFileAtomic(target, 'x', { fs: spy });
    expect(opened[0].flags).toBe('wx');
    expect(opened[0].path.startsWith(join(dir, '.ws.tdxws.tmp-'))).toBe(true);
  });
});

describe('writeFileAtomicSync', () => {
  it('replaces the file; a failed rename leaves the old target and no temporary', () => {
    const target = join(dir, 'window-state.json');
    writeFileSync(target, '{"old":1}');
    writeFileAtomicSync(target, '{"new":1}');
    expect(readFileSync(target, 'utf8')).toBe('{"new":1}');
    // A non-empty folder where the file should go: the data is written, the rename fails.
    const occupied = join(dir, 'occupied');
    mkdirSync(occupied);
    writeFileSync(join(occupied, 'keep'), 'k');
    expect(() => writeFileAtomicSync(occupied, '{"x":1}')).toThrow();
    expect(readFileSync(join(occupied, 'keep'), 'utf8')).toBe('k');
    expect(readdirSync(dir).sort()).toEqual(['occupied', 'window-state.json']);
  });
});
