// Hostile bundles are refused as a whole, with a message naming the member and the rule,
// and nothing is written anywhere (archives are read in memory): the temp folder holds
// exactly what the test put there, and the paths the archives aim at do not exist.

import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync, strToU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPath } from '../../electron/bundle/open';
import { BundleError, DEFAULT_LIMITS } from '../../electron/bundle/limits';
import { floodTar, tarBytes, tgzBytes } from './bundle-helpers';

const parent = mkdtempSync(join(tmpdir(), 'bundle-evil-'));
const tmp = join(parent, 'work');
const outside = join(parent, 'outside-secret.txt');
const marker = `tdx-cpuid-abs-${process.pid}-${Date.now()}`;

beforeAll(() => {
  mkdirSync(tmp);
  writeFileSync(outside, 'secret\n');
});
afterAll(() => rmSync(parent, { recursive: true, force: true }));

async function refusal(file: string, bytes: Uint8Array, limits = DEFAULT_LIMITS): Promise<string> {
  const p = join(tmp, file);
  writeFileSync(p, bytes);
  const before = readdirSync(tmp).sort();
  try {
    await openPath(p, limits);
  } catch (e) {
    expect(e).toBeInstanceOf(BundleError);
    expect((e as BundleError).message.startsWith(`${p}: refused: `)).toBe(true);
    // Nothing written: the folder is as it was, and nothing appeared next to it.
    expect(readdirSync(tmp).sort()).toEqual(before);
    expect(readdirSync(parent).sort()).toEqual(['outside-secret.txt', 'work']);
    expect(existsSync(`/tmp/${marker}`)).toBe(false);
    return (e as BundleError).reason;
  }
  throw new Error(`${file} was not refused`);
}

describe('malicious bundles are refused', () => {
  it('path traversal in tar, tar.gz and zip', async () => {
    expect(await refusal('trav.tar', tarBytes([{ path: 'ok.txt', data: 'a' }, { path: '../../escape.txt', data: 'x' }]))).toBe('path traversal "../../escape.txt" (a ".." segment)');
    expect(await refusal('trav.tgz', tgzBytes([{ path: 'a/../../escape.txt', data: 'x' }]))).toMatch(/^path traversal "a\/\.\.\/\.\.\/escape\.txt"/);
    // yauzl reads zip names with backslashes as folders, as Windows tools mean them.
    expect(await refusal('trav.zip', zipSync({ '..\\..\\escape.txt': strToU8('x') }))).toBe('path traversal "../../escape.txt" (a ".." segment)');
    expect(existsSync(join(parent, 'escape.txt'))).toBe(false);
  });

  it('absolute paths and drive letters', async () => {
    expect(await refusal('abs.tar', tarBytes([{ path: `/tmp/${marker}`, data: 'x' }]))).toBe(`absolute path "/tmp/${marker}"`);
    expect(await refusal('abs.zip', zipSync({ [`/tmp/${marker}`]: strToU8('x') }))).toBe(`absolute path "/tmp/${marker}"`);
    expect(await refusal('drive.zip', zipSync({ 'C:\\Windows\\evil.txt': strToU8('x') }))).toBe('absolute path "C:/Windows/evil.txt"');
  });

  it('symbolic and hard links leaving the bundle (tar, zip, folder)', async () => {
    expect(await refusal('sym.tar', tarBytes([{ path: 'dmesg.txt', type: '2', linkpath: '/etc/passwd' }]))).toBe('symbolic link "dmesg.txt" -> "/etc/passwd" points outside the bundle');
    expect(await refusal('sym2.tgz', tgzBytes([{ path: 'a/b.txt', type: '2', linkpath: '../../outside-secret.txt' }]))).toMatch(/^symbolic link "a\/b\.txt" -> "\.\.\/\.\.\/outside-secret\.txt" points outside/);
    expect(await refusal('hard.tar', tarBytes([{ path: 'h.txt', type: '1', linkpath: '../outside-secret.txt' }]))).toMatch(/^hard link "h\.txt"/);
    const link = zipSync({ 'cpuinfo.txt': [strToU8('/etc/shadow'), { os: 3, attrs: (0o120777 << 16) >>> 0 }] });
    expect(await refusal('sym.zip', link)).toBe('symbolic link "cpuinfo.txt" -> "/etc/shadow" points outside the bundle');
    const dir = join(tmp, 'linkdir');
    mkdirSync(dir);
    writeFileSync(join(dir, 'dmesg.txt'), 'virt/tdx: module initialized\n');
    symlinkSync(outside, join(dir, 'host-cpuid.txt'));
    await expect(openPath(dir)).rejects.toThrow(`symbolic link "host-cpuid.txt" -> "${outside}" points outside the folder`);
  });

  it('a zip bomb (50 MiB of zeros in a few KiB)', async () => {
    const bomb = zipSync({ 'cpuid.txt': [new Uint8Array(50 * 1024 * 1024), { level: 9 }] });
    expect(bomb.length).toBeLessThan(200 * 1024);
    expect(await refusal('bomb.zip', bomb)).toMatch(/^compression bomb: member "cpuid\.txt" expands .* to 50 MiB \(ratio \d+:1, limit 500:1\)$/);
  });

  it('a gzip bomb: a stream that decompresses past the limit, and one with an absurd ratio', async () => {
    const zeros = gzipSync(tarBytes([{ path: 'z.txt', data: new Uint8Array(24 * 1024 * 1024) }]), { level: 9 });
    expect(await refusal('bomb.tgz', zeros, { ...DEFAULT_LIMITS, maxTotalBytes: 16 * 1024 * 1024 })).toBe('the gzip stream decompresses to more than the 16 MiB limit (compression bomb?)');
    expect(await refusal('bomb2.tgz', zeros)).toMatch(/^compression bomb: .* expand to 24\.\d MiB \(ratio \d+:1, limit 500:1\)$/);
  });

  it('100 000 tiny files', async () => {
    const flood = gzipSync(floodTar(100_000), { level: 1 });
    expect(await refusal('flood.tgz', flood)).toBe('more than 10000 members (entry flood)');
    const zipFlood: Record<string, Uint8Array> = {};
    for (let i = 0; i < 12_000; i++) zipFlood[`f${i}`] = new Uint8Array(0);
    expect(await refusal('flood.zip', zipSync(zipFlood, { level: 0 }))).toBe('12000 members, more than 10000 (entry flood)');
  });

  it('a 2 GiB sparse entry (a header that declares 2 GiB, plain and GNU sparse)', async () => {
    const giant = tarBytes([{ path: 'dmesg.txt', data: 'x', size: 2 * 1024 * 1024 * 1024 }], false);
    expect(await refusal('sparse.tar', giant)).toBe('member "dmesg.txt" declares 2048 MiB, more than the 64 MiB per-file limit');
    const sparse = tarBytes([{ path: 'core', type: 'S', size: 2 * 1024 * 1024 * 1024 }], false);
    expect(await refusal('sparse-gnu.tar', sparse)).toBe('member "core" declares 2048 MiB, more than the 64 MiB per-file limit');
  });

  it('leaves no file behind anywhere in the temp folder after all of the above', () => {
    const names = readdirSync(tmp).map((n) => basename(n));
    expect(names.every((n) => /^(trav|abs|drive|sym|sym2|hard|bomb|bomb2|flood|sparse|sparse-gnu)\.(tar|tgz|zip)$|^linkdir$/.test(n))).toBe(true);
    expect(readdirSync(parent).sort()).toEqual(['outside-secret.txt', 'work']);
  });
});
