// The session's inputs as ingestion (shared/ingest) read them, with the user's overrides,
// and the lookups every operation needs (an input's dump, a host's label). Ingestion is
// cached by the inputs' identity: a context change ("what if") does not read files again.

import { ingest } from '../../../shared/ingest/ingest';
import type { IngestOverride, IngestResult } from '../../../shared/ingest/types';
import type { EngineInputs } from '../../../shared/engine/types';
import type { ParsedInput } from '../../../shared/formats/types';
import type { CpuidDump } from '../../../shared/model/dump';
import type { SourceFile } from '../../../shared/model/source';
import type { AnalysisInput, InputReport, Progress } from './types';
import { reportForClassified, reportForProblem } from './input-report';

export interface Ingested {
  readonly signature: string;
  readonly result: IngestResult;
  /** Input id → the unique path it was ingested under. */
  readonly pathOf: ReadonlyMap<string, string>;
  readonly reports: readonly InputReport[];
}

function signatureOf(inputs: readonly AnalysisInput[]): string {
  return inputs.map((i) => `${i.id}|${i.sha256}|${i.path}|${i.format ?? ''}|${i.layer ?? ''}|${i.disabled ? 1 : 0}`).join('\n');
}

/** "Xeon Bronze 3408U (host-cpuid-….xml)": the CPU first, it is what tells hosts apart. */
export function describeHost(d: CpuidDump | undefined, path: string): string {
  const name = path.split('/').pop() ?? path;
  const brand = d?.meta.brand?.replace(/\((R|TM)\)/gi, '').replace(/\s+CPU\b.*$/i, '').replace(/\s+/g, ' ').trim();
  return brand ? `${brand} (${name})` : name;
}

/** Ingests the inputs, or returns the last ingestion when they are the same. */
export function ingestionCache(): (inputs: readonly AnalysisInput[], progress: (p: Progress) => void) => Ingested {
  let cached: Ingested | null = null;
  return (inputs, progress) => {
    const signature = signatureOf(inputs);
    if (cached && cached.signature === signature) return cached;
    const bytes = inputs.reduce((n, i) => n + i.size, 0);
    const size = bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
    progress({ done: 0, total: 3, label: `Reading ${inputs.length} input${inputs.length === 1 ? '' : 's'} (${size})` });
    // Paths must be unique for ingestion (overrides are keyed by path): two files of the
    // same name from different reports are told apart by a suffix.
    const used = new Map<string, number>();
    const pathOf = new Map<string, string>();
    const files: SourceFile[] = [];
    const overrides: Record<string, IngestOverride> = {};
    for (const i of inputs) {
      const n = (used.get(i.path) ?? 0) + 1;
      used.set(i.path, n);
      const path = n === 1 ? i.path : `${i.path} (${n})`;
      pathOf.set(i.id, path);
      files.push({ path, sha256: i.sha256, size: i.size, text: i.text });
      if (i.format || i.layer || i.disabled) {
        overrides[path] = {
          ...(i.format ? { format: i.format } : {}),
          ...(i.disabled ? { role: 'ignore' as const } : i.layer ? { role: i.layer } : {}),
        };
      }
    }
    const result = ingest(files, { overrides });
    const reports: InputReport[] = [];
    for (const i of inputs) {
      const path = pathOf.get(i.id)!;
      const forced = { format: !!i.format, layer: !!i.layer };
      const ci = result.inputs.find((c) => c.sources.some((s) => s.path === path));
      if (ci) {
        reports.push({ ...reportForClassified(i.id, ci, result.conflicts, forced, !!i.disabled), path: i.path });
        continue;
      }
      const problem = result.unrecognized.find((p) => p.path === path) ?? { path, message: 'not read' };
      reports.push({ ...reportForProblem(i.id, problem, forced), path: i.path });
    }
    cached = { signature, result, pathOf, reports };
    return cached;
  };
}

export function hostDump(ing: Ingested, id: string): { dump: CpuidDump; path: string } {
  const path = ing.pathOf.get(id);
  const ci = path ? ing.result.inputs.find((c) => c.sources.some((s) => s.path === path)) : undefined;
  if (!ci || ci.parsed.kind !== 'cpuid') throw new Error('that input is not a readable CPUID dump');
  return { dump: ci.parsed, path: ci.path };
}

export function parsedOf(ing: Ingested, id: string): { parsed: ParsedInput; path: string } {
  const path = ing.pathOf.get(id);
  const ci = path ? ing.result.inputs.find((c) => c.sources.some((s) => s.path === path)) : undefined;
  if (!ci) throw new Error('that input could not be read');
  return { parsed: ci.parsed, path: ci.path };
}

/** The inputs with one host as the platform and no captures tied to another host. */
export function withHost(ei: EngineInputs, dump: CpuidDump): EngineInputs {
  return { hosts: [dump], kvm: [], sources: ei.sources, ...(ei.dmesg ? { dmesg: ei.dmesg } : {}), ...(ei.qemuCmdline ? { qemuCmdline: ei.qemuCmdline } : {}) };
}

