// bzip2 streams, decoded in process (electron/bundle/bunzip2.ts): the bytes `bzip2 -dc`
// gives for every corpus bundle and for random data at every block size, one stream or
// several; hostile input (bombs past the size or ratio limit, damaged, truncated, trailing
// or randomised data, random mutations) refused with a BundleError, never anything else
// and never slowly.

import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bzip2DataError, Bzip2TooLarge, bunzip2 } from '../../electron/bundle/bunzip2';
import { decompress } from '../../electron/bundle/decompress';
import { BundleError, DEFAULT_LIMITS } from '../../electron/bundle/limits';

const DIR = 'test/fixtures/corpus/hwloc_gather_cpuid';
const BUNDLES = readdirSync(DIR).filter((f) => f.endsWith('.tar.bz2')).sort();
/** The reference decoder and the compressor for test data (CI installs bzip2). */
const hasBzip2 = spawnSync('bzip2', ['--help'], { stdio: 'ignore' }).error === undefined;
const compress = (data: Uint8Array, level = 9): Buffer => execFileSync('bzip2', ['-zc', `-${level}`], { input: data, maxBuffer: 64 << 20 });
const SPR = readFileSync(join(DIR, 'Intel-SapphireRapids-2xXeonMax9460.tar.bz2'));

async function refusal(bytes: Uint8Array, limits = DEFAULT_LIMITS): Promise<string> {
  try {
    await decompress('x.tar.bz2', bytes, limits);
  } catch (e) {
    expect(e).toBeInstanceOf(BundleError);
    return (e as BundleError).reason;
  }
  throw new Error('not refused');
}

describe('bzip2 decompression', () => {
  it('CI has the bzip2 program the comparisons need', () => {
    if (process.env.CI) expect(hasBzip2).toBe(true);
  });

  it.each(BUNDLES)('%s: the bytes `bzip2 -dc` gives', async (file) => {
    const bytes = readFileSync(join(DIR, file));
    const out = await decompress(file, bytes, DEFAULT_LIMITS);
    // A ustar archive: "ustar" at offset 257 of the first header.
    expect(Buffer.from(out.subarray(257, 262)).toString('latin1')).toBe('ustar');
    if (hasBzip2) expect(Buffer.from(out).equals(execFileSync('bzip2', ['-dc', join(DIR, file)], { maxBuffer: 64 << 20 }))).toBe(true);
  });

  it.skipIf(!hasBzip2)('random data at every block size, in one stream or several, comes back unchanged', async () => {
    // Runs, repeated text and noise exercise the run-length stages, MTF and all Huffman tables.
    const chunk = fc.oneof(
      fc.uint8Array({ maxLength: 3000 }),
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 5000 })).map(([b, n]) => new Uint8Array(n).fill(b)),
      fc.tuple(fc.string({ maxLength: 40 }), fc.integer({ min: 1, max: 200 })).map(([s, n]) => new TextEncoder().encode(s.repeat(n))),
    );
    const data = fc.array(chunk, { maxLength: 12 }).map((cs) => Buffer.concat(cs));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(data, fc.integer({ min: 1, max: 9 })), { minLength: 1, maxLength: 3 }), async (streams) => {
        const compressed = Buffer.concat(streams.map(([d, level]) => compress(d, level)));
        const expected = Buffer.concat(streams.map(([d]) => d));
        expect(Buffer.from(await bunzip2(compressed, 64 << 20)).equals(expected)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it.skipIf(!hasBzip2)('several blocks of 100 000 bytes each (level 1) and a 900 000-byte block (level 9)', async () => {
    const data = Buffer.alloc(1_500_000);
    let x = 7;
    for (let i = 0; i < data.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      data[i] = x >>> 29 === 0 ? 0x41 : (x >>> 16) & 0xff;
    }
    for (const level of [1, 9]) expect(Buffer.from(await bunzip2(compress(data, level), 64 << 20)).equals(data)).toBe(true);
  });

  it.skipIf(!hasBzip2)('gives the event loop a turn after every block, with the same bytes', async () => {
    // Five 100 000-byte blocks at level 1; a timer set before must fire before the end.
    const data = Buffer.alloc(450_000);
    for (let i = 0; i < data.length; i++) data[i] = (Math.imul(i, 2654435761) >>> 24) & 0xff;
    const compressed = compress(data, 1);
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    const out = await bunzip2(compressed, 64 << 20);
    clearInterval(timer);
    expect(Buffer.from(out).equals(data)).toBe(true);
    expect(turns).toBeGreaterThan(0);
  });

  // 6 MiB of zeros compress to a few dozen bytes: a bomb by size (limit 1 MiB) and by ratio
  // (judged here from 1 MiB up, as the default limits judge it from 8 MiB).
  const zeros = hasBzip2 ? compress(Buffer.alloc(6 << 20)) : null;

  it.skipIf(!zeros)('a bomb past the size limit is refused without decompressing it all', async () => {
    expect(zeros!.length).toBeLessThan(1000);
    expect(await refusal(zeros!, { ...DEFAULT_LIMITS, maxTotalBytes: 1 << 20 })).toBe('the bzip2 stream decompresses to more than the 1 MiB limit (compression bomb?)');
    await expect(bunzip2(zeros!, (6 << 20) - 1)).rejects.toThrow(Bzip2TooLarge);
    expect((await bunzip2(zeros!, 6 << 20)).length).toBe(6 << 20);
  });

  it.skipIf(!zeros)('a bomb within the size limit is refused by its ratio', async () => {
    expect(await refusal(zeros!, { ...DEFAULT_LIMITS, ratioFloorBytes: 1 << 20 })).toMatch(/^compression bomb: \d+ bytes expand to 6 MiB \(ratio \d+:1, limit 500:1\)$/);
  });

  it('damaged, truncated and trailing data are refused as damaged, saying what was wrong', async () => {
    const flipped = Buffer.from(SPR);
    flipped[2000]! ^= 0x55;
    expect(await refusal(flipped)).toMatch(/^damaged bzip2 data \(.+\)$/);
    expect(await refusal(SPR.subarray(0, 3000))).toBe('damaged bzip2 data (unexpected end of data)');
    expect(await refusal(Buffer.concat([SPR, Buffer.from('trailing junk\n')]))).toBe('damaged bzip2 data (data after the end of the compressed stream)');
    expect(await refusal(Buffer.concat([SPR, Buffer.from('BZh9 not a stream')]))).toBe('damaged bzip2 data (stream 2, block 1: no block header)');
    // The block CRC is checked: change the stored CRC of the first block (bytes 10..13).
    const badCrc = Buffer.from(SPR);
    badCrc[12]! ^= 0x01;
    expect(await refusal(badCrc)).toBe('damaged bzip2 data (stream 1, block 1: CRC mismatch)');
  });

  it('a randomised block (bzip2 0.9.0) is refused by name', async () => {
    // Header (4 bytes), block magic (6), CRC (4): the randomised flag is the next bit.
    const randomised = Buffer.from(SPR);
    randomised[14]! |= 0x80;
    expect(await refusal(randomised)).toBe('damaged bzip2 data (randomised blocks (bzip2 0.9.0 and older) are not supported)');
  });

  it('every truncation and random mutations of a real bundle throw only the decoder errors, quickly', async () => {
    for (let n = 4; n < SPR.length; n += 97) {
      await expect(bunzip2(SPR.subarray(0, n), 64 << 20)).rejects.toThrow(Bzip2DataError);
    }
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(SPR.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }), async (edits) => {
        const bad = Buffer.from(SPR);
        for (const [at, x] of edits) bad[at]! ^= x;
        const t0 = performance.now();
        try {
          await bunzip2(bad, 16 << 20);
        } catch (e) {
          if (!(e instanceof Bzip2DataError || e instanceof Bzip2TooLarge)) throw e;
        }
        expect(performance.now() - t0).toBeLessThan(1000);
      }),
      { numRuns: 300 },
    );
  });

  it('the CLI reads a .tar.bz2 with no bzip2 program on PATH', () => {
    const bundle = join(DIR, 'Intel-SapphireRapids-2xXeonMax9460.tar.bz2');
    const r = spawnSync(process.execPath, ['bin/tdx-cpuid.mjs', 'decode', '--json', bundle], { encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as { source: { cpuCount: number } }).source.cpuCount).toBe(160);
  });
});
