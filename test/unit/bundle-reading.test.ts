// Reading the files of a folder (and a file named by the user) on the descriptor that was
// opened: links not followed, FIFOs not waited on, limits judged on what is read; and the
// event loop kept turning while folders and large tars are read (Electron's main process
// opens bug reports).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFolder } from '../../electron/bundle/folder';
import { DEFAULT_LIMITS } from '../../electron/bundle/limits';
import { openPath } from '../../electron/bundle/open';
import { readRegularFile } from '../../electron/bundle/regular-file';
import { readTar } from '../../electron/bundle/tar';
import { tarBytes } from './bundle-helpers';

const tmp = mkdtempSync(join(tmpdir(), 'regular-file-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

describe('readRegularFile', () => {
  it('reads a file whole, an empty file as no bytes, a file exactly at the limit', () => {
    const p = join(tmp, 'a.txt');
    const text = 'CPUID 00000000: 0000001F-756E6547-6C65746E-49656E69\n'.repeat(5000);
    writeFileSync(p, text);
    const r = readRegularFile(p, DEFAULT_LIMITS.maxEntryBytes, true);
    expect(r.kind).toBe('file');
    expect(r.kind === 'file' && Buffer.from(r.bytes).toString('latin1')).toBe(text);
    writeFileSync(join(tmp, 'empty'), '');
    const empty = readRegularFile(join(tmp, 'empty'), 10, true);
    expect(empty.kind === 'file' && empty.bytes.length).toBe(0);
    writeFileSync(join(tmp, 'ten'), '0123456789');
    expect(readRegularFile(join(tmp, 'ten'), 10, true).kind).toBe('file');
    expect(readRegularFile(join(tmp, 'ten'), 9, true)).toEqual({ kind: 'too-large', size: 10 });
  });

  it('does not follow a link when told not to, follows it for a file the user named', () => {
    writeFileSync(join(tmp, 'target.txt'), 'x');
    symlinkSync(join(tmp, 'target.txt'), join(tmp, 'link.txt'));
    expect(readRegularFile(join(tmp, 'link.txt'), 100, true)).toEqual({ kind: 'not-regular' });
    expect(readRegularFile(join(tmp, 'link.txt'), 100, false).kind).toBe('file');
  });

  it('does not wait on a FIFO (no writer ever comes) and calls a folder not regular', () => {
    const fifo = join(tmp, 'fifo');
    mkfifo(fifo);
    const t0 = performance.now();
    expect(readRegularFile(fifo, 100, true)).toEqual({ kind: 'not-regular' });
    expect(readRegularFile(fifo, 100, false)).toEqual({ kind: 'not-regular' });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(readRegularFile(tmp, 100, false)).toEqual({ kind: 'not-regular' });
  });

  it('throws Node errors for a missing file', () => {
    expect(() => readRegularFile(join(tmp, 'missing'), 100, true)).toThrow(/ENOENT/);
  });
});

describe('folders and named paths', () => {
  it('skips a FIFO in a folder without waiting on it, and refuses one named directly', async () => {
    const dir = join(tmp, 'with-fifo');
    mkdirSync(dir);
    writeFileSync(join(dir, 'dmesg.txt'), 'virt/tdx: module initialized\n');
    mkfifo(join(dir, 'pipe'));
    const r = await openPath(dir);
    expect(r.files.map((f) => f.path)).toEqual([`${dir}/dmesg.txt`]);
    expect(r.problems).toEqual([{ path: `${dir}/pipe`, message: 'not a regular file, skipped' }]);
    await expect(openPath(join(dir, 'pipe'))).rejects.toThrow('not a file or folder');
  });

  it('refuses a folder by the first file, in listing order, that passes the per-file limit', async () => {
    const dir = join(tmp, 'big');
    mkdirSync(join(dir, 'b'), { recursive: true });
    writeFileSync(join(dir, 'a.txt'), 'small');
    writeFileSync(join(dir, 'b', 'huge1.txt'), 'x'.repeat(2000));
    writeFileSync(join(dir, 'c.txt'), 'y'.repeat(3000));
    const limits = { ...DEFAULT_LIMITS, maxEntryBytes: 1000 };
    await expect(readFolder(dir, limits)).rejects.toThrow('file "b/huge1.txt" has 2000 bytes, more than the 1000 bytes per-file limit');
    await expect(readFolder(dir, { ...DEFAULT_LIMITS, maxTotalBytes: 4000 })).rejects.toThrow('files add up to more than the 4000 bytes limit');
  });

  it('a file named by the user is judged on what is opened: a link to a file is read, a file over the limit refused', async () => {
    writeFileSync(join(tmp, 'dump.txt'), 'CPUID 00000000: 0000001F-756E6547-6C65746E-49656E69\n');
    symlinkSync(join(tmp, 'dump.txt'), join(tmp, 'dump-link.txt'));
    const r = await openPath(join(tmp, 'dump-link.txt'));
    expect(r.files.map((f) => f.text)).toEqual(['CPUID 00000000: 0000001F-756E6547-6C65746E-49656E69\n']);
    await expect(openPath(join(tmp, 'dump.txt'), { ...DEFAULT_LIMITS, maxTotalBytes: 10 })).rejects.toThrow(/is more than the 10 bytes limit/);
  });

  it('lets timers run while a large folder is read', async () => {
    const dir = join(tmp, 'many');
    mkdirSync(dir);
    const line = 'CPUID 00000000: 0000001F-756E6547-6C65746E-49656E69\n'.repeat(2000);
    for (let i = 0; i < 400; i++) writeFileSync(join(dir, `pu${i}`), line);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const t0 = performance.now();
    const r = await readFolder(dir, DEFAULT_LIMITS);
    const took = performance.now() - t0;
    clearInterval(timer);
    expect(r.members).toHaveLength(400);
    expect(r.members.map((m) => m.path).slice(0, 3)).toEqual(['pu0', 'pu1', 'pu10']);
    // A turn at least every 8 ms of reading (the read takes tens of milliseconds here).
    if (took > 40) expect(ticks).toBeGreaterThan(1);
  });
});

describe('large tar bundles', () => {
  it('are parsed in slices: timers run while a 48 MB tar is read, and every member comes out whole', async () => {
    const line = 'CPUID 00000001: 000806F8-00800800-7FFEFBFF-BFEBFBFF\n';
    const body = line.repeat(Math.ceil((1024 * 1024) / line.length));
    const tar = tarBytes(Array.from({ length: 48 }, (_, i) => ({ path: `dump/cpu${String(i).padStart(2, '0')}.txt`, data: body })));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const t0 = performance.now();
    const r = await readTar('big.tar', tar, DEFAULT_LIMITS);
    const took = performance.now() - t0;
    clearInterval(timer);
    expect(r.members).toHaveLength(48);
    expect(r.members.every((m) => m.bytes.length === body.length)).toBe(true);
    expect(Buffer.from(r.members[47]!.bytes).toString('latin1')).toBe(body);
    // Twelve 4 MB slices, a turn after each.
    if (took > 40) expect(ticks).toBeGreaterThan(1);
  });
});
