// Pieces the engine and rules benchmarks share: the TDX-capable corpus Xeons (Sapphire,
// Emerald, Granite Rapids, Sierra Forest, Xeon Max), reading a dump as the CLI does, and
// timing a whole `tdx-cpuid` process (bundle built by build/bench.mjs first).

import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadReport } from '../../electron/cli/load-inputs';
import type { CpuidDump } from '../../shared/model/dump';
import { record, round } from './harness';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const corpus = (f: string): string => resolve(root, 'test/fixtures/corpus', f);

export const SPR = 'aida64_instlatx64/GenuineIntel00806F8_SapphireRapids_05_CPUID.txt';
export const EMR112 = 'aida64_instlatx64/GenuineIntel00C06F2_EmeraldRapids_01_CPUID.txt';
export const XEONS: readonly string[] = [
  SPR,
  'aida64_instlatx64/GenuineIntel00806F8_SapphireRapids_06_CPUID.txt',
  EMR112,
  'aida64_instlatx64/GenuineIntel00C06F2_EmeraldRapids_02_CPUID.txt',
  'aida64_instlatx64/GenuineIntel00C06F2_EmeraldRapids_03_CPUID.txt',
  'aida64_instlatx64/GenuineIntel00A06D1_GraniteRapids_03_CPUID.txt',
  'libvirt_cputestdata/x86_64-cpuid-Xeon-6731E.xml',
  'libvirt_cputestdata/x86_64-cpuid-Xeon-6788P.xml',
  'libvirt_cputestdata/x86_64-cpuid-Xeon-Gold-6530.xml',
  'libvirt_cputestdata/x86_64-cpuid-Xeon-Bronze-3408U.xml',
  'libvirt_cputestdata/x86_64-cpuid-Xeon-w7-3465X.xml',
  'hwloc_gather_cpuid/Intel-SapphireRapids-2xXeonMax9460.tar.bz2',
];

/** The CPUID dump in a corpus file (or bundle), read as the CLI reads it. */
export async function dumpOf(file: string): Promise<CpuidDump> {
  const r = await loadReport([corpus(file)]);
  const p = r.inputs.find((i) => i.parsed.kind === 'cpuid')?.parsed;
  if (!p || p.kind !== 'cpuid') throw new Error(`${file}: no CPUID dump`);
  return p;
}

const cli = resolve(root, 'bin/tdx-cpuid.mjs');

/** Records the median wall time of 7 whole `tdx-cpuid ARGS` processes (after one unmeasured run). */
export function cliBench(name: string, args: readonly string[], targetMs?: number): void {
  const runOnce = (): number => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0 && r.status !== 1) throw new Error(`tdx-cpuid ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
    return performance.now() - t0;
  };
  runOnce();
  const times = Array.from({ length: 7 }, runOnce).sort((a, b) => a - b);
  const median = times[3]!;
  record({
    name,
    iterations: times.length,
    medianMs: round(median),
    p95Ms: round(times[6]!),
    meanMs: round(times.reduce((a, b) => a + b, 0) / times.length),
    ...(targetMs !== undefined ? { targetMs, pass: median <= targetMs } : {}),
    extra: { minMs: round(times[0]!) },
  });
}
