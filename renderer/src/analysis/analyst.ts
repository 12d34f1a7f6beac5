// The analysis behind the worker: ingestion (shared/ingest) of the session's files with
// the user's overrides, the reconciliation (shared/engine) under the context, and the
// comparisons. Ingestion is cached by the inputs' identity, so a context change ("what
// if") only reconciles again.

import { ingest } from '../../../shared/ingest/ingest';
import type { IngestOverride, IngestResult } from '../../../shared/ingest/types';
import { FORMATS } from '../../../shared/formats/registry';
import { kvmVersions, resolveKernel } from '../../../shared/knowledge/kvm/kvm-knowledge';
import { qemuFeatureWords, qemuVersions } from '../../../shared/knowledge/qemu/qemu-knowledge';
import { registerLayout, resolveBit } from '../../../shared/knowledge/bits';
import type { EngineInputs } from '../../../shared/engine/types';
import type { CpuidDump } from '../../../shared/model/dump';
import { formatBit, formatField, formatLeafKey } from '../../../shared/model/address';

import type { ParsedInput } from '../../../shared/formats/types';

import type { SourceFile } from '../../../shared/model/source';
import type { Analyst } from './analyst-types';
import type { OperationName, Operations } from './protocol';
import type {
  AnalyseRequest,
  AnalysisInput,
  AnalysisResult,
  BaselineRequest,
  BaselineResult,
  BaselineRow,
  Catalog,
  CompareRequest,
  CompareResult,
  CompareRow,
  CompareSide,
  InputReport,
  Progress,
  ReportRequest,
} from './types';

import { missingLayers, reportForClassified, reportForProblem } from './input-report';
import { juxtapose } from './juxtapose';
import { moduleInfos, reconcile, ruleInfos } from './engine';
import { toView } from './row-table';
import type { ReconciliationView } from './row-table';

interface Ingested {
  readonly signature: string;
  readonly result: IngestResult;
  /** Input id → the unique path it was ingested under. */
  readonly pathOf: ReadonlyMap<string, string>;
  readonly reports: readonly InputReport[];
}

function signatureOf(inputs: readonly AnalysisInput[]): string {
  return inputs.map((i) => `${i.id}|${i.sha256}|${i.path}|${i.format ?? ''}|${i.layer ?? ''}|${i.disabled ? 1 : 0}`).join('\n');
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** "Xeon Bronze 3408U (host-cpuid-….xml)": the CPU first, it is what tells hosts apart. */
function describeHost(d: CpuidDump | undefined, path: string): string {
  const name = path.split('/').pop() ?? path;
  const brand = d?.meta.brand?.replace(/\((R|TM)\)/gi, '').replace(/\s+CPU\b.*$/i, '').replace(/\s+/g, ' ').trim();
  return brand ? `${brand} (${name})` : name;
}

export function createAnalyst(): Analyst & { warmUp(): void } {
  let cached: Ingested | null = null;
  let catalogCache: Catalog | null = null;

  function ingestInputs(inputs: readonly AnalysisInput[], progress: (p: Progress) => void): Ingested {
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
  }

  function hostDump(ing: Ingested, id: string): { dump: CpuidDump; path: string } {
    const path = ing.pathOf.get(id);
    const ci = path ? ing.result.inputs.find((c) => c.sources.some((s) => s.path === path)) : undefined;
    if (!ci || ci.parsed.kind !== 'cpuid') throw new Error('that input is not a readable CPUID dump');
    return { dump: ci.parsed, path: ci.path };
  }

  /** The inputs with one host as the platform and no captures tied to another host. */
  function withHost(ei: EngineInputs, dump: CpuidDump): EngineInputs {
    return { hosts: [dump], kvm: [], sources: ei.sources, ...(ei.dmesg ? { dmesg: ei.dmesg } : {}), ...(ei.qemuCmdline ? { qemuCmdline: ei.qemuCmdline } : {}) };
  }

  function analyse(req: AnalyseRequest, progress: (p: Progress) => void): AnalysisResult {
    const t0 = now();
    const ing = ingestInputs(req.inputs, progress);
    const t1 = now();
    let t2 = t1;
    const ei = ing.result.engineInputs;
    const notes = ing.result.conflicts.map((c) => c.message);
    let reconciliation: ReconciliationView | null = null;
    let failure: string | null = null;
    if (ei.hosts.length === 0) {
      failure =
        req.inputs.length === 0
          ? 'No inputs.'
          : 'No host CPUID dump among the inputs: the analysis starts from the host CPU (cpuid -r, AIDA64, hwloc, libvirt XML...).';
    } else {
      progress({ done: 1, total: 3, label: 'Reconciling' });
      try {
        const rec = reconcile(ei, req.context);
        t2 = now();
        reconciliation = toView(rec);
      } catch (e) {
        failure = e instanceof Error ? e.message : String(e);
      }
    }
    progress({ done: 3, total: 3, label: 'Done' });
    const t3 = now();
    return {
      timings: { ingestMs: t1 - t0, reconcileMs: t2 - t1, rowsMs: t3 - t2, startedAt: (typeof performance !== 'undefined' ? performance.timeOrigin : 0) + t0 },
      inputs: ing.reports,
      missing: missingLayers(ing.result.manifest),
      notes,
      reconciliation,
      failure,
      elapsedMs: now() - t0,
    };
  }

  // Comparisons and reports load their code when first used: the worker's start-up (and with
  // it the first analysis) does not wait for code most sessions never run.
  async function compare(req: CompareRequest, progress: (p: Progress) => void): Promise<CompareResult> {
    const ing = ingestInputs(req.inputs, progress);
    const ei = ing.result.engineInputs;
    if (req.mode === 'modules') {
      if (ei.hosts.length === 0) throw new Error('comparing module versions needs a host CPUID dump');
      progress({ done: 1, total: 3, label: `Reconciling with module ${req.a}` });
      const a = reconcile(ei, { ...req.context, module: req.a });
      progress({ done: 2, total: 3, label: `Reconciling with module ${req.b}` });
      const b = reconcile(ei, { ...req.context, module: req.b });
      const { rows, compared } = juxtapose(a, b);
      const notes = [a, b]
        .filter((r) => !r.context.module.exact)
        .map((r) => `No table for ${r.context.module.requested}: the nearest older table ${r.context.module.table} is used.`);
      // The tables themselves, whatever the host (shared/compare module-diff).
      const { moduleDiff } = await import('../../../shared/compare/module-diff');
      const md = moduleDiff(req.a, req.b);
      const leaves = (list: readonly { leaf: number; subleaf: number | null }[]): string => list.map((k) => formatLeafKey(k)).join(', ');
      notes.push(`Between the tables, ${md.changes.length} bits change class (${md.ranges.length} ranges), whatever the host.`);
      if (md.configurableAdded.length) notes.push(`Configurable leaves added in ${md.to.table}: ${leaves(md.configurableAdded)}.`);
      if (md.configurableRemoved.length) notes.push(`Configurable leaves removed in ${md.to.table}: ${leaves(md.configurableRemoved)}.`);
      return { mode: 'modules', aLabel: `module ${a.context.module.table}`, bLabel: `module ${b.context.module.table}`, rows, compared, notes };
    }
    if (req.mode === 'hosts') {
      const ha = hostDump(ing, req.a);
      const hb = hostDump(ing, req.b);
      progress({ done: 1, total: 3, label: 'Reconciling host A' });
      const a = reconcile(withHost(ei, ha.dump), req.context);
      progress({ done: 2, total: 3, label: 'Reconciling host B' });
      const b = reconcile(withHost(ei, hb.dump), req.context);
      const { rows, compared } = juxtapose(a, b);
      return {
        mode: 'hosts',
        aLabel: describeHost(ha.dump, ha.path),
        bLabel: describeHost(hb.dump, hb.path),
        rows,
        compared,
        notes: [`Both under module ${a.context.module.table}, kernel ${a.context.kernel}, QEMU ${a.context.qemu}, -cpu ${a.context.cpu}.`],
      };
    }
    return await compareCaptures(ing, req.a, req.b);
  }

  function parsedOf(ing: Ingested, id: string): { parsed: ParsedInput; path: string } {
    const path = ing.pathOf.get(id);
    const ci = path ? ing.result.inputs.find((c) => c.sources.some((s) => s.path === path)) : undefined;
    if (!ci) throw new Error('that input could not be read');
    return { parsed: ci.parsed, path: ci.path };
  }

  /** Two captures of one kind, value by value (shared/compare diff). */
  async function compareCaptures(ing: Ingested, aId: string, bId: string): Promise<CompareResult> {
    const { diffSources, KVM_LIST_TITLE } = await import('../../../shared/compare/diff');
    const a = parsedOf(ing, aId);
    const b = parsedOf(ing, bId);
    const d = diffSources(a.parsed, b.parsed);
    const rows: CompareRow[] = d.differences.map((x) => {
      const bits: readonly [number, number] = x.bits ?? [x.bit!, x.bit!];
      const address = x.bits ? formatField({ leaf: x.leaf, subleaf: x.subleaf, reg: x.reg, bits: x.bits }) : formatBit({ leaf: x.leaf, subleaf: x.subleaf, reg: x.reg, bit: x.bit! });
      const where = [x.list ? KVM_LIST_TITLE[x.list] : null, x.cpu !== undefined ? `CPU ${x.cpu}` : null].filter(Boolean).join(', ');
      const side = (value: number | null): CompareSide => ({ class: null, host: null, td: null, guest: null, value });
      return {
        key: `${x.list ?? ''}|${x.cpu ?? ''}|${x.leaf}:${x.subleaf ?? '-'}:${x.reg}:${bits[0]}-${bits[1]}`,
        leaf: x.leaf,
        subleaf: x.subleaf,
        reg: x.reg,
        bits,
        address: where ? `${address} (${where})` : address,
        name: x.name,
        a: side(x.a),
        b: side(x.b),
        changes: ['value'],
      };
    });
    const notes = [...d.notes, ...d.scalars.map((sc) => `${sc.name}: ${sc.a ?? '–'} vs ${sc.b ?? '–'}`)];
    const label = (p: string): string => p.split('/').pop() ?? p;
    return { mode: 'captures', aLabel: label(a.path), bLabel: label(b.path), rows, compared: d.registers * 32, notes };
  }

  async function baseline(req: BaselineRequest, progress: (p: Progress) => void): Promise<BaselineResult> {
    const { baseline: sharedBaseline, differenceKey } = await import('../../../shared/compare/baseline');
    const ing = ingestInputs(req.inputs, progress);
    const hosts = req.hosts.map((id) => {
      const h = hostDump(ing, id);
      const sha = req.inputs.find((i) => i.id === id)?.sha256 ?? '';
      return { id, ...h, input: { dump: h.dump, source: { path: h.path, sha256: sha, format: h.dump.format, layer: 'host' as const } } };
    });
    progress({ done: 1, total: 3, label: `Predicting the TD on ${hosts.length} hosts and aligning them` });
    const c = req.context;
    const r = sharedBaseline(
      hosts.map((h) => h.input),
      {
        ...(c.module ? { module: c.module } : {}),
        ...(c.kernel ? { kernel: c.kernel } : {}),
        ...(c.qemu ? { qemu: c.qemu } : {}),
        ...(c.cpu ? { cpu: c.cpu } : {}),
        ...(c.pmu !== undefined ? { pmu: c.pmu } : {}),
      },
    );
    const remaining = new Set(r.remaining.map(differenceKey));
    const rows: BaselineRow[] = r.differences.map((d) => {
      const bits: readonly [number, number] = d.bits ?? [d.bit!, d.bit!];
      const address = d.bits ? formatField({ leaf: d.leaf, subleaf: d.subleaf, reg: d.reg, bits: d.bits }) : formatBit({ leaf: d.leaf, subleaf: d.subleaf, reg: d.reg, bit: d.bit! });
      return {
        key: differenceKey(d),
        address,
        name: d.name,
        width: bits[1] - bits[0] + 1,
        values: d.values,
        class: d.class,
        flag: d.flag,
        why: d.why,
        remains: remaining.has(differenceKey(d)),
      };
    });
    return {
      hosts: hosts.map((h, i) => ({ id: h.id, label: describeHost(h.dump, h.path), module: r.hosts[i]?.module ?? '', tdCreated: r.hosts[i]?.tdCreated ?? false })),
      excluded: r.excluded.map((e) => ({ label: describeHost(hosts[e.host]?.dump, hosts[e.host]?.path ?? ''), why: e.why })),
      rows,
      compared: r.compared,
      cpu: r.differences.length ? r.cpu : null,
      flags: r.flags,
      verified: r.verified,
      notes: r.remaining.length ? [`${r.remaining.length} difference${r.remaining.length === 1 ? '' : 's'} remain with the suggested -cpu: per-host data no flag configures.`] : [],
    };
  }

  async function report(req: ReportRequest, progress: (p: Progress) => void): Promise<string> {
    const { reconcileReport, renderHtml, renderJson, renderMarkdown } = await import('../../../shared/report');
    const ing = ingestInputs(req.inputs, progress);
    if (ing.result.engineInputs.hosts.length === 0) throw new Error('nothing to report yet: open a host CPUID dump first');
    progress({ done: 1, total: 3, label: 'Reconciling' });
    const rec = reconcile(ing.result.engineInputs, req.context);
    progress({ done: 2, total: 3, label: 'Writing the report' });
    const inputDetails: Record<string, string> = {};
    for (const r of ing.reports) {
      if (r.cpu) inputDetails[r.path] = [r.cpu.brand, `${r.cpu.cpuCount} CPU${r.cpu.cpuCount === 1 ? '' : 's'}`].filter(Boolean).join(', ');
    }
    const model = reconcileReport(rec, { inputDetails });
    if (req.format === 'md') return renderMarkdown(model);
    if (req.format === 'json') return renderJson(model);
    return renderHtml(model);
  }

  function catalog(): Catalog {
    return (catalogCache ??= {
      modules: moduleInfos(),
      kernels: [...kvmVersions()],
      qemus: [...qemuVersions()],
      rules: ruleInfos(),
      formats: FORMATS.map((f) => ({ id: f.id, title: f.title, role: f.role })),
    });
  }

  return {
    /**
     * Reads the knowledge tables (module, KVM, QEMU, bit names, rules) before the first
     * request needs them: each builds its lookup structures on first use.
     */
    warmUp() {
      catalog();
      const kernels = kvmVersions();
      if (kernels.length) resolveKernel(kernels[kernels.length - 1]!);
      qemuFeatureWords();
      resolveBit('avx512f');
      registerLayout(7, 0, 'ebx');
    },
    async perform<K extends OperationName>(op: K, request: Operations[K]['request'], progress: (p: Progress) => void): Promise<Operations[K]['result']> {
      switch (op) {
        case 'catalog':
          return catalog() as Operations[K]['result'];
        case 'analyse':
          return analyse(request as AnalyseRequest, progress) as Operations[K]['result'];
        case 'compare':
          return (await compare(request as CompareRequest, progress)) as Operations[K]['result'];
        case 'baseline':
          return (await baseline(request as BaselineRequest, progress)) as Operations[K]['result'];
        case 'report':
          return (await report(request as ReportRequest, progress)) as Operations[K]['result'];
      }
      throw new Error(`unknown operation ${String(op)}`);
    },
  };
}
