// The engine entry points the analysis uses (shared/engine), in one place.

import { analyze as engineAnalyze, reconcile as engineReconcile } from '../../../shared/engine/reconcile';
import type { Analysis } from '../../../shared/engine/reconcile';
import { moduleInfo, moduleVersions } from '../../../shared/knowledge/tdx-module/module-table';
import { ruleMetas } from '../../../shared/engine/rules/registry';
import type { ContextOptions, EngineInputs, Reconciliation } from '../../../shared/engine/types';
import type { ModuleInfo, RuleInfo } from './types';

export function reconcile(inputs: EngineInputs, options: ContextOptions): Reconciliation {
  return engineReconcile(inputs, options);
}

/** The reconciliation with the engine state its rows are written from (see analysisView). */
export function analyze(inputs: EngineInputs, options: ContextOptions): Analysis {
  return engineAnalyze(inputs, options);
}

export function ruleInfos(): RuleInfo[] {
  return ruleMetas().map((r) => ({ id: r.id, severity: r.severity, title: r.title, description: r.description, source: r.source }));
}

/** The module versions for the context bar, read from each table's header (no table is built). */
export function moduleInfos(): ModuleInfo[] {
  return moduleVersions().map((v) => {
    const m = moduleInfo(v)!;
    return {
      version: m.version,
      note: [m.date, m.veReduction ? '#VE reduction' : null, m.identicalTo ? `same table as ${m.identicalTo}` : null].filter(Boolean).join(', '),
    };
  });
}
