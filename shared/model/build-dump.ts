// The last step of every CPUID reader: drop out-of-range probe rows, read the metadata,
// and freeze the result.

import type { CpuRecord, CpuidDump, ProbeEcho, ValueKind } from './dump';
import { describeDump, findProbeEchoes } from './dump';
import type { ParseWarning } from './errors';

export interface DumpParts {
  readonly format: string;
  readonly name: string;
  readonly valueKind: ValueKind;
  readonly cpus: readonly CpuRecord[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly warnings?: readonly ParseWarning[];
  /** Keep probe rows (for `mask`/`ternary` data, where "echo" has no meaning). Default: drop for `values`. */
  readonly keepProbeRows?: boolean;
}

export function finishDump(parts: DumpParts): CpuidDump {
  const dropProbes = !parts.keepProbeRows && parts.valueKind === 'values';
  let probeEchoes: ProbeEcho[] = [];
  const cpus = parts.cpus.map((cpu, i) => {
    if (!dropProbes) return cpu;
    const echoes = findProbeEchoes(cpu.table);
    if (i === 0) probeEchoes = echoes;
    return echoes.length ? { ...cpu, table: cpu.table.without(echoes) } : cpu;
  });
  return Object.freeze({
    kind: 'cpuid' as const,
    format: parts.format,
    name: parts.name,
    valueKind: parts.valueKind,
    cpus: Object.freeze(cpus),
    meta: describeDump(cpus, parts.valueKind),
    probeEchoes,
    annotations: parts.annotations ?? {},
    warnings: parts.warnings ?? [],
  });
}
