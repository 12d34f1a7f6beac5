// The workbench's own JSON dump (`"schema": "tdx-cpuid/dump/v1"`, written by
// write-dump-json.ts and `tdx-cpuid convert --to json`). The structure is checked with zod;
// every error is a FormatError at the line of the offending value (a path from zod is mapped
// back to a line with the line-locating JSON parser, which also locates syntax errors).
// Sub-leaves are taken exactly as written (null = no sub-leaf): the file says which it is.

// A namespace import: esbuild can then leave out the parts of zod never used (all its
// locales, and whatever else is never called): zod was a third of the CLI bundle otherwise.
import * as z from 'zod';
import { finishDump } from '../model/build-dump';
import { CpuidTable } from '../model/cpuid-table';
import type { CpuidEntry } from '../model/cpuid-table';
import type { CpuRecord, CpuTopology, CpuidDump, ProbeEcho } from '../model/dump';
import { FormatError } from '../model/errors';
import type { JsonNode } from './located-json';
import { jsonMember, parseLocatedJson } from './located-json';
import { head } from './cpuid-text';
import type { Detection, InputFormat } from './types';
import { DUMP_SCHEMA } from './write-dump-json';

const FORMAT = 'workbench-json';

const u32 = z.number().int().min(0).max(0xffffffff);
const leafSchema = z.object({ leaf: u32, subleaf: u32.nullable(), eax: u32, ebx: u32, ecx: u32, edx: u32 });
const topologySchema = z.object({
  package: z.number().int().min(0).optional(),
  die: z.number().int().min(0).optional(),
  core: z.number().int().min(0).optional(),
  thread: z.number().int().min(0).optional(),
  apicId: z.number().int().min(0).optional(),
  coreType: z.string().optional(),
});
const dumpSchema = z.object({
  schema: z.literal(DUMP_SCHEMA),
  source: z.object({ name: z.string().optional(), format: z.string().optional() }).optional(),
  valueKind: z.enum(['values', 'mask', 'ternary', 'flags']),
  annotations: z.record(z.string(), z.string()).optional(),
  probeEchoes: z.array(z.object({ leaf: u32, subleaf: u32.nullable(), reason: z.enum(['echo-of-max-basic-leaf', 'zero-out-of-range']) })).optional(),
  cpus: z
    .array(
      z.object({
        id: z.number().int().min(0),
        label: z.string().optional(),
        topology: topologySchema.optional(),
        leaves: z.array(leafSchema),
        known: z.array(leafSchema).optional(),
      }),
    )
    .min(1),
});

type DumpJson = z.infer<typeof dumpSchema>;

export function detectWorkbenchJson(text: string): Detection | null {
  const h = head(text, 4096);
  const t = h.trimStart().replace(/^\uFEFF/, '');
  if (!t.startsWith('{')) return null;
  if (/"schema"\s*:\s*"tdx-cpuid\/dump\/v1"/.test(h)) return { confidence: 0.99, reason: 'workbench JSON dump (tdx-cpuid/dump/v1)' };
  if (/"schema"\s*:\s*"tdx-cpuid\/dump\//.test(h)) return { confidence: 0.9, reason: 'workbench JSON dump of another schema version' };
  return null;
}

/** Line of the value at a JSON path (as far as the path exists). */
function lineOfPath(root: JsonNode, path: readonly PropertyKey[]): number {
  let node = root;
  for (const key of path) {
    let next: JsonNode | undefined;
    if (node.kind === 'object' && typeof key === 'string') next = jsonMember(node, key);
    else if (node.kind === 'array' && typeof key === 'number') next = node.items[key];
    if (!next) break;
    node = next;
  }
  return node.line;
}

function describePath(path: readonly PropertyKey[]): string {
  return path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('').replace(/^\./, '') || 'the document';
}

function tableOf(rows: readonly z.infer<typeof leafSchema>[]): CpuidTable {
  return CpuidTable.fromEntries(rows.map((r): CpuidEntry => ({ leaf: r.leaf, subleaf: r.subleaf, eax: r.eax, ebx: r.ebx, ecx: r.ecx, edx: r.edx })));
}

export function parseWorkbenchJson(text: string, name: string): CpuidDump {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new FormatError(name, 0, `a ${DUMP_SCHEMA} JSON document`, 'an empty file', FORMAT);
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    // The located parser says where; it throws a FormatError for the same syntax error.
    parseLocatedJson(body, name, FORMAT);
    throw new FormatError(name, 1, 'a valid JSON document', undefined, FORMAT);
  }
  let root: JsonNode | null = null;
  const locate = (path: readonly PropertyKey[]): number => {
    root ??= parseLocatedJson(body, name, FORMAT);
    return lineOfPath(root, path);
  };
  const checked = dumpSchema.safeParse(data);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new FormatError(name, locate(issue.path), `${describePath(issue.path)}: ${issue.message}`, undefined, FORMAT);
  }
  const doc: DumpJson = checked.data;
  const seen = new Set<number>();
  const cpus: CpuRecord[] = doc.cpus.map((cpu, i) => {
    if (seen.has(cpu.id)) throw new FormatError(name, locate(['cpus', i, 'id']), `a CPU id not used before (CPU ${cpu.id} appears twice)`, undefined, FORMAT);
    seen.add(cpu.id);
    for (const list of ['leaves', 'known'] as const) {
      const rows = cpu[list];
      if (!rows) continue;
      const keys = new Set<string>();
      rows.forEach((r, j) => {
        const key = `${r.leaf}:${r.subleaf ?? '-'}`;
        if (keys.has(key)) throw new FormatError(name, locate(['cpus', i, list, j]), `each (leaf, subleaf) once per CPU (leaf ${r.leaf} sub-leaf ${r.subleaf} repeats)`, undefined, FORMAT);
        keys.add(key);
      });
    }
    const topology: CpuTopology | undefined = cpu.topology ? Object.fromEntries(Object.entries(cpu.topology).filter(([, v]) => v !== undefined)) : undefined;
    return {
      id: cpu.id,
      table: tableOf(cpu.leaves),
      ...(cpu.known ? { known: tableOf(cpu.known) } : {}),
      ...(topology && Object.keys(topology).length ? { topology } : {}),
      ...(cpu.label !== undefined ? { label: cpu.label } : {}),
    };
  });
  const annotations: Record<string, string> = { ...(doc.annotations ?? {}) };
  if (doc.source?.format) annotations['convertedFrom'] = doc.source.format;
  if (doc.source?.name) annotations['originalName'] = doc.source.name;
  // The file lists exactly the leaves it means; nothing is dropped again.
  const dump = finishDump({ format: FORMAT, name, valueKind: doc.valueKind, cpus, annotations, keepProbeRows: true });
  const probeEchoes: ProbeEcho[] = (doc.probeEchoes ?? []).map((p) => ({ leaf: p.leaf, subleaf: p.subleaf, reason: p.reason }));
  return Object.freeze({ ...dump, probeEchoes });
}

export const workbenchJsonFormat: InputFormat<CpuidDump> = {
  id: FORMAT,
  title: 'TDX CPUID Workbench JSON dump',
  role: 'host',
  detect: (text) => {
    try {
      return detectWorkbenchJson(text);
    } catch {
      return null;
    }
  },
  parse: parseWorkbenchJson,
};
