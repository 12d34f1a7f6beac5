// The analysis behind the worker: ingestion of the session's files (session-inputs.ts), the
// reconciliation (shared/engine) under the context, the comparisons, the baseline and the
// report; plus the catalog of choices (module, kernel and QEMU versions, rules, formats).

import { FORMATS } from '../../../shared/formats/registry';
import { kvmVersions, resolveKernel } from '../../../shared/knowledge/kvm/kvm-knowledge';
import { qemuFeatureWords, qemuVersions } from '../../../shared/knowledge/qemu/qemu-knowledge';
import { registerLayout, resolveBit } from '../../../shared/knowledge/bits';
import type { Analyst } from './analyst-types';
import type { OperationName, Operations } from './protocol';
import type { AnalyseRequest, AnalysisResult, BaselineRequest, Catalog, CompareRequest, Progress, ReportRequest } from './types';
import { missingLayers } from './input-report';
import { analyze, moduleInfos, ruleInfos } from './engine';
import { analysisView } from './row-table';
import type { ReconciliationView } from './row-table';
import { ingestionCache } from './session-inputs';

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

export function createAnalyst(): Analyst & { warmUpSteps(): readonly (() => void)[] } {
  const ingestInputs = ingestionCache();
  let catalogCache: Catalog | null = null;

  function analyse(req: AnalyseRequest, progress: (p: Progress) => void): AnalysisResult {
    const t0 = now();
    const ing = ingestInputs(req.inputs, progress);
    const t1 = now();
    let t2 = t1;
    let tRows = t1;
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
        const analysis = analyze(ei, req.context);
        t2 = now();
        reconciliation = analysisView(analysis);
        tRows = now();
      } catch (e) {
        failure = e instanceof Error ? e.message : String(e);
      }
    }
    progress({ done: 3, total: 3, label: 'Done' });
    return {
      timings: { ingestMs: t1 - t0, reconcileMs: t2 - t1, rowsMs: tRows - t2, startedAt: (typeof performance !== 'undefined' ? performance.timeOrigin : 0) + t0 },
      inputs: ing.reports,
      missing: missingLayers(ing.result.manifest),
      notes,
      reconciliation,
      failure,
      elapsedMs: now() - t0,
    };
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
     * Reads the knowledge tables (bit names, KVM, QEMU, the module list, rules) before the
     * first request needs them: each builds its lookup structures on first use. Small steps,
     * what an analysis needs first, so that a request arriving meanwhile waits for one step
     * at most (the worker runs one per task and stops when a request comes).
     */
    warmUpSteps() {
      return [
        () => resolveBit('avx512f'),
        () => registerLayout(7, 0, 'ebx'),
        () => {
          const kernels = kvmVersions();
          if (kernels.length) resolveKernel(kernels[kernels.length - 1]!);
        },
        () => qemuFeatureWords(),
        () => catalog(),
      ];
    },
    // Comparisons, the baseline and reports load their code when first used: the worker's
    // start-up (and with it the first analysis) does not wait for code most sessions never run.
    async perform<K extends OperationName>(op: K, request: Operations[K]['request'], progress: (p: Progress) => void): Promise<Operations[K]['result']> {
      switch (op) {
        case 'catalog':
          return catalog() as Operations[K]['result'];
        case 'analyse':
          return analyse(request as AnalyseRequest, progress) as Operations[K]['result'];
        case 'compare':
          return (await import('./compare')).compare(ingestInputs((request as CompareRequest).inputs, progress), request as CompareRequest, progress) as Operations[K]['result'];
        case 'baseline':
          return (await import('./baseline')).baseline(ingestInputs((request as BaselineRequest).inputs, progress), request as BaselineRequest, progress) as Operations[K]['result'];
        case 'report':
          return (await import('./report')).report(ingestInputs((request as ReportRequest).inputs, progress), request as ReportRequest, progress) as Operations[K]['result'];
      }
      throw new Error(`unknown operation ${String(op)}`);
    },
  };
}
