// The `tdx-cpuid decode` result for one input (cli-contract.md, schema tdx-cpuid/decode/v1).
// Key order is fixed here so that the JSON bytes are the same for the same input.

import type { CpuRecord, CpuidDump, ValueKind } from '../../model/dump';
import { regToAscii } from '../../model/text';
import { decodeTable } from './decode-table';
import { heterogeneousFields } from './heterogeneity';
import type { DecodedFeature, DecodedField, DecodedLeaf, HeterogeneousField, Signatures } from './types';

export const DECODE_SCHEMA = 'tdx-cpuid/decode/v1';

export interface DecodeSource {
  readonly path: string;
  readonly sha256: string;
  readonly format: string;
  readonly cpuCount: number;
  readonly vendor: string | null;
  readonly brand: string | null;
  readonly family: number | null;
  readonly model: number | null;
  readonly stepping: number | null;
}

export interface DecodeCpu {
  readonly cpu: number;
  readonly leaves: readonly DecodedLeaf[];
  readonly features: readonly DecodedFeature[];
}

export interface DecodeReport {
  readonly schema: typeof DECODE_SCHEMA;
  readonly source: DecodeSource;
  readonly cpu: number;
  readonly leaves: readonly DecodedLeaf[];
  readonly features: readonly DecodedFeature[];
  readonly fields: readonly DecodedField[];
  readonly heterogeneous: readonly HeterogeneousField[];
  /** Added to the contract: what the register values mean (`values`, `flags`, `mask`, `ternary`). */
  readonly valueKind: ValueKind;
  /** Added to the contract: hypervisor and TDX signatures of the decoded CPU. */
  readonly signatures: Signatures;
  /** With `--all-cpus`: every CPU's leaves and features, in CPU order. */
  readonly cpus?: readonly DecodeCpu[];
}

export interface DecodeOptions {
  /** CPU id to decode (default: the first CPU of the dump). */
  readonly cpu?: number;
  readonly allCpus?: boolean;
}

/** The CPU a `--cpu N` means: the record whose id is N. */
export function findCpu(dump: CpuidDump, id: number): CpuRecord | undefined {
  return dump.cpus.find((c) => c.id === id);
}

function ascii(values: readonly number[]): string {
  return values.map(regToAscii).join('').replace(/\0+$/, '');
}

export function signaturesOf(cpu: CpuRecord): Signatures {
  const t = cpu.table;
  const l1 = t.get(1, null);
  const hv = t.get(0x40000000, null);
  const hypervisor = l1 && (l1.ecx >>> 31) & 1 && hv ? ascii([hv.ebx, hv.ecx, hv.edx]).replace(/\0/g, '') || null : null;
  const sig = t.get(0x21, 0) ?? t.get(0x21, null);
  const tdxText = sig ? ascii([sig.ebx, sig.edx, sig.ecx]) : '';
  // Leaf 0x21 is all zeros outside a TD (or holds the max-leaf echo): only a printable signature counts.
  const tdx = /^[\x20-\x7e]{4,12}$/.test(tdxText) && tdxText.trim() !== '' ? tdxText : null;
  return { hypervisor, tdx };
}

/** The report's "source": the file and what the dump says of the machine. */
export function decodeSource(dump: CpuidDump, file: { readonly path: string; readonly sha256: string }): DecodeSource {
  const m = dump.meta;
  return {
    path: file.path,
    sha256: file.sha256,
    format: dump.format,
    cpuCount: m.cpuCount,
    vendor: m.vendor,
    brand: m.brand,
    family: m.family,
    model: m.model,
    stepping: m.stepping,
  };
}

/** Decodes a dump: the chosen CPU in full, heterogeneity across all CPUs, optionally every CPU. */
export function decodeReport(dump: CpuidDump, file: { readonly path: string; readonly sha256: string }, opts: DecodeOptions = {}): DecodeReport {
  const chosen = opts.cpu === undefined ? dump.cpus[0] : findCpu(dump, opts.cpu);
  if (!chosen) throw new RangeError(opts.cpu === undefined ? 'the dump has no CPU' : `no CPU ${opts.cpu} in the dump`);
  const main = decodeTable(chosen.id, chosen.table, chosen.known);
  const report: DecodeReport = {
    schema: DECODE_SCHEMA,
    source: decodeSource(dump, file),
    cpu: chosen.id,
    leaves: main.leaves,
    features: main.features,
    fields: main.fields,
    heterogeneous: heterogeneousFields(dump),
    valueKind: dump.valueKind,
    signatures: signaturesOf(chosen),
  };
  if (!opts.allCpus) return report;
  const cpus = [...dump.cpus]
    .sort((a, b) => a.id - b.id)
    .map((c): DecodeCpu => {
      const d = c === chosen ? main : decodeTable(c.id, c.table, c.known);
      return { cpu: c.id, leaves: d.leaves, features: d.features };
    });
  return { ...report, cpus };
}
