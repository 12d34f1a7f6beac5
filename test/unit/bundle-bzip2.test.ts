// bzip2 streams: the system's `bzip2 -dc` (used where present) and the built-in JavaScript
// decoder (the fallback) give the same bytes on every corpus bundle, and refuse the same
// hostile inputs (bombs past the size or ratio limit, damaged and trailing data) with a
// BundleError. The CLI without a bzip2 program prints no deprecation warning.

import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decompress, findSystemBzip2 } from '../../electron/bundle/decompress';
import { BundleError, DEFAULT_LIMITS } from '../../electron/bundle/limits';

const DIR = 'test/fixtures/corpus/hwloc_gather_cpuid';
const BUNDLES = readdirSync(DIR).filter((f) => f.endsWith('.tar.bz2')).sort();
const system = findSystemBzip2();
/** Both decoders where the machine has bzip2; the built-in one always. */
const DECODERS: readonly (readonly [string, string | null])[] = system ? [['system bzip2', system], ['built-in decoder', null]] : [['built-in decoder', null]];

async function refusal(bytes: Uint8Array, bzip2: string | null, limits = DEFAULT_LIMITS): Promise<string> {
  try {
    await decompress('x.tar.bz2', bytes, limits, { bzip2 });
  } catch (e) {
    expect(e).toBeInstanceOf(BundleError);
    return (e as BundleError).reason;
  }
  throw new Error('not refused');
}

describe('bzip2 decompression', () => {
  it('finds the bzip2 program of this machine (CI installs it)', () => {
    expect(system === null || system.endsWith('bzip2') || system.endsWith('bzip2.exe')).toBe(true);
    if (process.env.CI) expect(system).not.toBeNull();
  });

  it.each(BUNDLES)('%s: both decoders give the bytes `bzip2 -dc` gives', async (file) => {
    const bytes = readFileSync(join(DIR, file));
    const outs = await Promise.all(DECODERS.map(([, bzip2]) => decompress(file, bytes, DEFAULT_LIMITS, { bzip2 })));
    // A ustar archive: "ustar" at offset 257 of the first header.
    expect(Buffer.from(outs[0]!.subarray(257, 262)).toString('latin1')).toBe('ustar');
    for (const o of outs) expect(Buffer.from(o).equals(Buffer.from(outs[0]!))).toBe(true);
    if (system) expect(Buffer.from(outs[0]!).equals(execFileSync(system, ['-dc', join(DIR, file)], { maxBuffer: 64 << 20 }))).toBe(true);
  });

  it('a missing bzip2 program falls back to the built-in decoder', async () => {
    const bytes = readFileSync(join(DIR, BUNDLES[0]!));
    const viaMissing = await decompress('x', bytes, DEFAULT_LIMITS, { bzip2: '/nonexistent/bzip2' });
    const builtIn = await decompress('x', bytes, DEFAULT_LIMITS, { bzip2: null });
    expect(Buffer.from(viaMissing).equals(Buffer.from(builtIn))).toBe(true);
  });

  // 6 MiB of zeros compress to a few dozen bytes: a bomb by size (limit 1 MiB) and by ratio
  // (judged here from 1 MiB up, as the default limits judge it from 8 MiB).
  const zeros = system ? execFileSync(system, ['-zc'], { input: Buffer.alloc(6 << 20), maxBuffer: 1 << 20 }) : null;

  it.skipIf(!zeros).each(DECODERS)('%s: a bomb past the size limit is refused without decompressing it all', async (_label, bzip2) => {
    expect(zeros!.length).toBeLessThan(1000);
    expect(await refusal(zeros!, bzip2, { ...DEFAULT_LIMITS, maxTotalBytes: 1 << 20 })).toBe('the bzip2 stream decompresses to more than the 1 MiB limit (compression bomb?)');
  });

  it.skipIf(!zeros).each(DECODERS)('%s: a bomb within the size limit is refused by its ratio', async (_label, bzip2) => {
    expect(await refusal(zeros!, bzip2, { ...DEFAULT_LIMITS, ratioFloorBytes: 1 << 20 })).toMatch(/^compression bomb: \d+ bytes expand to 6 MiB \(ratio \d+:1, limit 500:1\)$/);
  });

  it.each(DECODERS)('%s: damaged, truncated and trailing data are refused as damaged', async (_label, bzip2) => {
    const good = readFileSync(join(DIR, 'Intel-SapphireRapids-2xXeonMax9460.tar.bz2'));
    const flipped = Buffer.from(good);
    flipped[2000]! ^= 0x55;
    for (const bad of [flipped, good.subarray(0, 3000), Buffer.concat([good, Buffer.from('trailing junk\n')])]) {
      expect(await refusal(bad, bzip2)).toMatch(/^damaged bzip2 data \(.+\)$/);
    }
  });

  it('the CLI reads a .tar.bz2 without a bzip2 program the same, and warns about nothing', () => {
    const bundle = join(DIR, 'Intel-SapphireRapids-2xXeonMax9460.tar.bz2');
    const run = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, ['bin/tdx-cpuid.mjs', 'decode', '--json', bundle], { encoding: 'utf8', env: { ...process.env, ...env } });
    const without = run({ PATH: '/nonexistent' });
    const withSystem = run({});
    expect(without.status, without.stderr).toBe(0);
    expect(without.stderr).not.toMatch(/Warning|DEP0005/);
    expect(without.stdout).toBe(withSystem.stdout);
    expect((JSON.parse(without.stdout) as { source: { cpuCount: number } }).source.cpuCount).toBe(160);
  });
});
