// Writes a CpuidDump as the workbench's own JSON dump (`"schema": "tdx-cpuid/dump/v1"`), read
// back by workbench-json.ts. Deterministic: fixed key order, CPUs in dump order, leaves sorted
// (leaf, sub-leaf), one leaf per line so that diffs and error lines stay readable. Numbers
// follow the CLI contract: plain unsigned integers, `subleaf` null for a leaf without sub-leaves.

import type { CpuidTable } from '../model/cpuid-table';
import type { CpuRecord, CpuTopology, CpuidDump } from '../model/dump';

export const DUMP_SCHEMA = 'tdx-cpuid/dump/v1';

export interface DumpJsonOptions {
  /** CPU ids to write (in dump order); default all. */
  readonly cpus?: readonly number[];
  /** Path and SHA-256 of the file the dump was read from, when known. */
  readonly sourcePath?: string;
  readonly sourceSha256?: string;
}

function leafLines(table: CpuidTable, indent: string): string[] {
  const out: string[] = [];
  const r = table.regs;
  table.keys.forEach((k, i) => {
    out.push(
      `${indent}{"leaf": ${k.leaf}, "subleaf": ${k.subleaf === null ? 'null' : k.subleaf}, "eax": ${r[4 * i]}, "ebx": ${r[4 * i + 1]}, "ecx": ${r[4 * i + 2]}, "edx": ${r[4 * i + 3]}}`,
    );
  });
  return out;
}

function topologyJson(t: CpuTopology): string {
  const o: Record<string, number | string> = {};
  for (const key of ['package', 'die', 'core', 'thread', 'apicId', 'coreType'] as const) {
    const v = t[key];
    if (v !== undefined) o[key] = v;
  }
  return JSON.stringify(o);
}

function cpuJson(cpu: CpuRecord): string {
  const lines = ['    {', `      "id": ${cpu.id},`];
  if (cpu.label !== undefined) lines.push(`      "label": ${JSON.stringify(cpu.label)},`);
  if (cpu.topology) lines.push(`      "topology": ${topologyJson(cpu.topology)},`);
  const leaves = leafLines(cpu.table, '        ');
  lines.push(leaves.length ? `      "leaves": [\n${leaves.join(',\n')}\n      ]${cpu.known ? ',' : ''}` : `      "leaves": []${cpu.known ? ',' : ''}`);
  if (cpu.known) {
    const known = leafLines(cpu.known, '        ');
    lines.push(known.length ? `      "known": [\n${known.join(',\n')}\n      ]` : '      "known": []');
  }
  lines.push('    }');
  return lines.join('\n');
}

function sortedObject(o: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k]!;
  return out;
}

export function writeDumpJson(dump: CpuidDump, options: DumpJsonOptions = {}): string {
  const wanted = options.cpus ? new Set(options.cpus) : null;
  const cpus = dump.cpus.filter((c) => !wanted || wanted.has(c.id));
  const m = dump.meta;
  const source = {
    name: dump.name,
    ...(options.sourcePath !== undefined ? { path: options.sourcePath } : {}),
    ...(options.sourceSha256 !== undefined ? { sha256: options.sourceSha256 } : {}),
    format: dump.format,
    cpuCount: m.cpuCount,
    vendor: m.vendor,
    brand: m.brand,
    family: m.family,
    model: m.model,
    stepping: m.stepping,
    signature: m.signature,
    hypervisor: m.hypervisor,
    tdxGuest: m.tdxGuest,
    packages: m.packages,
  };
  const probes = dump.probeEchoes.map((p) => ({ leaf: p.leaf, subleaf: p.subleaf, reason: p.reason }));
  const head = [
    '{',
    `  "schema": ${JSON.stringify(DUMP_SCHEMA)},`,
    `  "source": ${JSON.stringify(source)},`,
    `  "valueKind": ${JSON.stringify(dump.valueKind)},`,
    `  "annotations": ${JSON.stringify(sortedObject(dump.annotations))},`,
    `  "probeEchoes": ${JSON.stringify(probes)},`,
  ];
  const body = cpus.length ? `  "cpus": [\n${cpus.map(cpuJson).join(',\n')}\n  ]` : '  "cpus": []';
  return `${head.join('\n')}\n${body}\n}\n`;
}
