// The corpus dumps the engine tests use, read through the CLI's loader (so that folders and
// bundles such as the hwloc .tar.bz2 work the same way) and cached per test process.

import { resolve } from 'node:path';
import { loadReport } from '../../electron/cli/load-inputs';
import type { CpuidDump } from '../../shared/model/dump';

export const CORPUS = resolve(__dirname, '../fixtures/corpus');

/** Every TDX-capable Xeon in the corpus (Sapphire, Emerald, Granite Rapids, Sierra Forest, Xeon Max). */
export const TDX_XEONS: readonly { readonly file: string; readonly cpu: string; readonly family: 'SPR' | 'EMR' | 'GNR' | 'SRF' }[] = [
  { file: 'aida64_instlatx64/GenuineIntel00806F8_SapphireRapids_05_CPUID.txt', cpu: 'Xeon w7-2475X (SPR)', family: 'SPR' },
  { file: 'aida64_instlatx64/GenuineIntel00806F8_SapphireRapids_06_CPUID.txt', cpu: 'SPR_06', family: 'SPR' },
  { file: 'aida64_instlatx64/GenuineIntel00C06F2_EmeraldRapids_01_CPUID.txt', cpu: 'EMR_01', family: 'EMR' },
  { file: 'aida64_instlatx64/GenuineIntel00C06F2_EmeraldRapids_02_CPUID.txt', cpu: 'EMR_02', family: 'EMR' },
  { file: 'aida64_instlatx64/GenuineIntel00C06F2_EmeraldRapids_03_CPUID.txt', cpu: 'EMR_03', family: 'EMR' },
  { file: 'aida64_instlatx64/GenuineIntel00A06D1_GraniteRapids_03_CPUID.txt', cpu: 'GNR_03', family: 'GNR' },
  { file: 'libvirt_cputestdata/x86_64-cpuid-Xeon-6731E.xml', cpu: 'Xeon 6731E (SRF)', family: 'SRF' },
  { file: 'libvirt_cputestdata/x86_64-cpuid-Xeon-6788P.xml', cpu: 'Xeon 6788P (GNR)', family: 'GNR' },
  { file: 'libvirt_cputestdata/x86_64-cpuid-Xeon-Gold-6530.xml', cpu: 'Xeon Gold 6530 (EMR)', family: 'EMR' },
  { file: 'libvirt_cputestdata/x86_64-cpuid-Xeon-Bronze-3408U.xml', cpu: 'Xeon Bronze 3408U (SPR)', family: 'SPR' },
  { file: 'libvirt_cputestdata/x86_64-cpuid-Xeon-w7-3465X.xml', cpu: 'Xeon w7-3465X (SPR)', family: 'SPR' },
  { file: 'hwloc_gather_cpuid/Intel-SapphireRapids-2xXeonMax9460.tar.bz2', cpu: 'Xeon Max 9460 (SPR HBM)', family: 'SPR' },
];

const cache = new Map<string, CpuidDump>();

/** The first CPUID dump of a corpus file (hosts and guests alike). */
export async function corpusDump(file: string): Promise<CpuidDump> {
  const hit = cache.get(file);
  if (hit) return hit;
  const report = await loadReport([resolve(CORPUS, file)]);
  const input = report.inputs.find((i) => i.parsed.kind === 'cpuid');
  if (!input || input.parsed.kind !== 'cpuid') throw new Error(`${file}: no CPUID dump`);
  cache.set(file, input.parsed);
  return input.parsed;
}

export function hostInputs(dump: CpuidDump): { hosts: CpuidDump[]; kvm: []; sources: [] } {
  return { hosts: [dump], kvm: [], sources: [] };
}
