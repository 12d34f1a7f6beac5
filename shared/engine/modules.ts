// The known TDX module versions, for `tdx-cpuid modules` and the UI's module picker.

import { moduleTable, moduleVersions } from '../knowledge/tdx-module/module-table';
import type { ModuleProvenance } from '../knowledge/tdx-module/module-table';

export interface ModuleSummary {
  readonly version: string;
  readonly line: string;
  readonly build: number | null;
  readonly date: string | null;
  readonly sourceKind: 'source' | 'binary';
  readonly lookupEntries: number;
  readonly configurableEntries: number;
  readonly faultingLeaves: number;
  readonly veReduction: boolean;
  readonly maxBasicLeaf: number;
  readonly identicalTo: string | null;
  readonly provenance: readonly ModuleProvenance[];
}

export function listModules(): ModuleSummary[] {
  return moduleVersions().map((v) => {
    const t = moduleTable(v)!;
    return {
      version: v,
      line: t.info.line,
      build: t.info.build,
      date: t.info.date,
      sourceKind: t.info.sourceKind,
      lookupEntries: t.info.lookupCount,
      configurableEntries: t.info.configCount,
      faultingLeaves: t.entries.filter((e) => e.faulting).length,
      veReduction: t.info.veReduction,
      maxBasicLeaf: t.maxBasicLeaf,
      identicalTo: t.info.identicalTo,
      provenance: t.info.provenance,
    };
  });
}
